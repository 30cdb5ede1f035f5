import type { Context } from '../context.ts';
import { villages } from '../db/schema/index.ts';
import { retentionSchedulerId } from '../queue/jobs.ts';

/** 02:30 every day in the village's timezone (BullMQ cron with seconds): a quiet hour. */
const DAILY = '0 30 2 * * *';

/** Registers each village's daily retention job; upserting the same scheduler id again changes nothing. */
export async function scheduleRetention(context: Context): Promise<number> {
  const all = await context.db.select().from(villages);
  for (const village of all) {
    await context.jobs.schedule(retentionSchedulerId(village.code), { pattern: DAILY, tz: village.timezone }, { name: 'retention', data: { villageId: village.id } });
  }
  return all.length;
}
