import { scheduleDailyBackup } from './backups/schedule.ts';
import type { Context } from './context.ts';
import { scheduleRetention } from './privacy/retention-schedule.ts';
import { scheduleReviewFollowUps } from './reviews/follow-up-schedule.ts';
import { scheduleExpiry } from './supermarket/expiry-schedule.ts';
import { registerWeeklySchedules } from './weekly/run.ts';

/** How often the job schedulers are asserted again; upserting an unchanged scheduler changes nothing. */
export const SCHEDULES_EVERY_MS = 60_000;

export interface KeptSchedules {
  /** Settles after the first assertion (a failure is logged, not thrown). */
  first: Promise<void>;
  stop(): void;
}

/**
 * Registers the weekly, expiry, retention and review follow-up job schedulers of every village, once, and
 * the daily backup when this process serves the embedded database (only it runs the backup worker).
 */
export async function assertSchedules(context: Context): Promise<void> {
  await Promise.all([
    registerWeeklySchedules(context).catch((error) => context.log.error({ err: error }, 'could not register the weekly schedules')),
    scheduleExpiry(context).catch((error) => context.log.warn({ err: error }, 'could not schedule points expiry')),
    scheduleReviewFollowUps(context).catch((error) => context.log.warn({ err: error }, 'could not schedule review follow-ups')),
    scheduleRetention(context).catch((error) => context.log.warn({ err: error }, 'could not schedule message retention')),
    context.database.embedded
      ? scheduleDailyBackup(context).catch((error) => context.log.warn({ err: error }, 'could not schedule the daily backup'))
      : undefined,
  ]);
}

/**
 * Keeps the villages' job schedulers in the queue: asserted now and again every `everyMs`, so a
 * queue that lost its data (a Redis flushed or restarted without persistence) gets them back
 * within a minute, not only at the next start-up.
 */
export function keepSchedules(context: Context, everyMs = SCHEDULES_EVERY_MS): KeptSchedules {
  let running = assertSchedules(context);
  const timer = setInterval(() => { running = running.then(() => assertSchedules(context)); }, everyMs);
  timer.unref();
  return { first: running, stop: () => clearInterval(timer) };
}
