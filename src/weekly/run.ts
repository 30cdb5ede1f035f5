import type { Context } from '../context.ts';
import { runInTransaction } from '../plans/runner.ts';
import { villages, type Village } from '../db/schema/index.ts';
import type { WeeklyJob } from '../queue/jobs.ts';
import { isoWeekOf, weeklyCron } from './calendar.ts';
import { notifyCadres } from './cadre-summary.ts';
import { householdChunks } from './household-week.ts';
import { addTotals, emptyTotals, notifyHouseholds, type WeeklyRunOptions, type WeeklyTotals } from './notify.ts';

/** Households per chunk job: small enough to retry cheaply, large enough for set-based SQL to pay. */
export const WEEKLY_CHUNK = 500;

/** The scheduler of a village's weekly run; one per village, so upserting it again replaces it. */
export const weeklySchedulerId = (village: Pick<Village, 'code'>) => `weekly-${village.code}`;

/**
 * Registers (or re-registers, after an import changed the time) every village's weekly run at its
 * weekly_notification time in its own timezone. Idempotent: safe at every start-up.
 */
export async function registerWeeklySchedules(context: Context): Promise<number> {
  const list = await context.db.select().from(villages);
  for (const village of list) {
    const job: WeeklyJob = { name: 'weekly-village', data: { villageId: village.id } };
    await context.jobs.scheduleWeekly(weeklySchedulerId(village), { pattern: weeklyCron(village.settings), tz: village.timezone }, job);
  }
  return list.length;
}

/** The week a run fired at belongs to, in the village's timezone (a late run still reports its own week). */
export const weekOfRun = (village: Village, firedAt: Date, week?: string) => week ?? isoWeekOf(firedAt, village.timezone);

/** The jobs of a village's run: one per chunk of households and one for the cadres (a pure step; ids per village and week). */
export function weeklyJobs(villageId: number, week: string, chunks: readonly { first: number; last: number }[]): WeeklyJob[] {
  const jobs: WeeklyJob[] = chunks.map(({ first, last }) => ({
    name: 'weekly-chunk', data: { villageId, week, firstHouseholdId: first, lastHouseholdId: last },
  }));
  jobs.push({ name: 'weekly-cadres', data: { villageId, week } });
  return jobs;
}

/** A village's run as jobs, written to the outbox in one transaction and relayed after commit. */
export function fanOutWeekly(context: Context, village: Village, week: string): Promise<number> {
  return runInTransaction(context, async (tx) => {
    const chunks = await householdChunks(tx.db, village.id, WEEKLY_CHUNK);
    await tx.outbox.enqueueWeekly(weeklyJobs(village.id, week, chunks));
    return chunks.length;
  }, `weekly-village:${village.code}:${week}`);
}

export interface WeeklyRun extends WeeklyTotals {
  village: string;
  week: string;
  cadres: number;
}

/** A village's run in this process, chunk after chunk, one transaction each (`jifen weekly`); the same dedupe keys as the jobs. */
export async function runWeekly(context: Context, village: Village, week: string, options: WeeklyRunOptions & {
  onChunk?: (done: number, total: number) => void;
}): Promise<WeeklyRun> {
  const chunks = await householdChunks(context.db, village.id, WEEKLY_CHUNK);
  const totals = emptyTotals();
  for (const [index, { first, last }] of chunks.entries()) {
    addTotals(totals, await notifyHouseholds(context, village, week, { villageId: village.id, firstHouseholdId: first, lastHouseholdId: last }, options));
    options.onChunk?.(index + 1, chunks.length);
  }
  const cadres = await notifyCadres(context, village, week, options);
  return { village: village.code, week, ...totals, cadres };
}
