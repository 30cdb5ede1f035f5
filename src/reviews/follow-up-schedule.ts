import type { Context } from '../context.ts';
import { villages } from '../db/schema/index.ts';
import { reviewFollowUpSchedulerId } from '../queue/jobs.ts';

/** Registers each village's periodic review follow-up; upserting the same scheduler id again changes nothing. */
export async function scheduleReviewFollowUps(context: Context): Promise<number> {
  const all = await context.db.select({ id: villages.id, code: villages.code }).from(villages);
  for (const village of all) {
    await context.jobs.schedule(reviewFollowUpSchedulerId(village.code), { every: context.config.reviewFollowUpEveryMs },
      { name: 'review-follow-up', data: { villageId: village.id } });
  }
  return all.length;
}
