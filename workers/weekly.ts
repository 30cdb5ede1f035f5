import { UnrecoverableError, type Job } from 'bullmq';
import type { Context } from '../src/context.ts';
import type { WeeklyJob } from '../src/queue/jobs.ts';
import { notifyCadres } from '../src/weekly/cadre-summary.ts';
import { loadVillage, notifyHouseholds } from '../src/weekly/notify.ts';
import { fanOutWeekly, weekOfRun } from '../src/weekly/run.ts';

/** When a scheduled job was due: a run delayed past midnight still belongs to the week it fired in. */
const dueAt = (job: Job) => new Date(job.timestamp + (job.delay ?? 0));

/** The weekly queue's jobs: a village's run fans out into chunks, each chunk notifies its households. */
export async function runWeeklyJob(context: Context, job: Job): Promise<void> {
  const { name, data } = job as unknown as WeeklyJob & Job;
  switch (name) {
    case 'weekly-village': {
      const village = await loadVillage(context, data.villageId);
      await fanOutWeekly(context, village, weekOfRun(village, dueAt(job), data.week));
      return;
    }
    case 'weekly-chunk': {
      const village = await loadVillage(context, data.villageId);
      await notifyHouseholds(context, village, data.week, data, { now: new Date() });
      return;
    }
    case 'weekly-cadres':
      await notifyCadres(context, await loadVillage(context, data.villageId), data.week, { now: new Date() });
      return;
    default:
      throw new UnrecoverableError(`no weekly job ${String(name)}`);
  }
}
