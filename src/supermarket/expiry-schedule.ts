import type { Context } from '../context.ts';
import { villages } from '../db/schema/index.ts';
import { expirySchedulerId } from '../queue/jobs.ts';
import { EXPIRY_POLICIES } from './expiry.ts';

/**
 * 09:00 every day in the village's timezone (BullMQ cron with seconds): its warnings reach villagers in
 * the morning, not at night. Points expire at midnight all the same (the posting is dated then).
 */
const DAILY = '0 0 9 * * *';

/** Registers each village's daily expiry job at start-up; upserting the same scheduler id again changes nothing. */
export async function scheduleExpiry(context: Context): Promise<number> {
  const all = await context.db.select().from(villages);
  const expiring = all.filter((village) => EXPIRY_POLICIES.includes(village.settings.pointsExpire as never));
  for (const village of expiring) {
    await context.jobs.schedule(expirySchedulerId(village.code), { pattern: DAILY, tz: village.timezone }, { name: 'expire', data: { villageId: village.id } });
  }
  return expiring.length;
}
