import type { Channels } from '../channels/index.ts';
import { UnrecoverableError, type Job } from 'bullmq';
import type { Context } from '../src/context.ts';
import { runInTransaction } from '../src/plans/runner.ts';
import { sweep as sweepUnfinished } from '../src/plans/sweeper.ts';
import type { WorkerHandle } from '../src/queue/backend.ts';
import { OUTBOUND_CHANNELS, outboundQueue, QUEUES, type OutboundChannel, type PipelineJob, type PipelineJobName } from '../src/queue/jobs.ts';
import { runDailyBackup } from '../src/backups/schedule.ts';
import { keepSchedules } from '../src/schedules.ts';
import { keepImportingSpool } from '../src/messages/spool-import.ts';
import { advanceClaimJob } from './advance-claim.ts';
import { announcementReport, announcementSend } from './announcement.ts';
import { checkinClose } from './checkin.ts';
import { expire } from './expire.ts';
import { intake } from './intake.ts';
import { post } from './post.ts';
import { publicityEnded } from './publicity.ts';
import { retention } from './retention.ts';
import { reviewFollowUp } from './review-follow-up.ts';
import { onStageFailed } from '../src/queue/failures.ts';
import { onSendExhausted, send, sendBatch } from './send.ts';
import type { PipelineStage } from '../src/queue/stage.ts';
import { recordJob } from '../src/metrics/process-metrics.ts';
import { runWeeklyJob } from './weekly.ts';

/** Every pipeline job name has its stage; the type makes a missing one a compile error. */
const STAGES: { [N in PipelineJobName]: PipelineStage<N> } = {
  intake, 'advance-claim': advanceClaimJob, post, 'review-follow-up': reviewFollowUp, 'publicity-end': publicityEnded, expire, retention,
  'checkin-close': checkinClose, 'announcement-send': announcementSend, 'announcement-report': announcementReport,
};

const SWEEP_INTERVAL_MS = 10_000;

export interface RunningWorkers {
  ready(): Promise<void>;
  close(): Promise<void>;
}

function runStage(context: Context, job: Job): Promise<void> {
  const stage = STAGES[job.name as PipelineJobName] as ((c: Context, d: PipelineJob['data']) => Promise<void>) | undefined;
  if (!stage) throw new UnrecoverableError(`no stage for job ${job.name}`);
  // Every job is one transaction: its state changes, events, outbound rows and follow-up jobs commit together.
  return runInTransaction(context, (tx) => stage(tx, job.data), `${job.name}:${job.id}`);
}

type Settings = { concurrency: number; lockDuration: number; stalledInterval: number };

/**
 * A channel's sending worker, limited to the provider's rate. The limiter counts jobs; a batch
 * job of n messages holds the queue back for the other n − 1 (on every worker: the limit is the queue's).
 */
function outboundWorker(context: Context, channel: OutboundChannel, settings: Settings): WorkerHandle {
  const perSecond = context.config.sendPerSecond[channel];
  const worker: WorkerHandle = context.jobs.backend.worker(outboundQueue(channel), async (job) => {
    if (job.name !== 'send-batch') return send(context, job.data);
    const extra = job.data.outboundIds.length - 1;
    if (extra > 0) await worker.rateLimit(Math.ceil((extra * 1000) / perSecond));
    return sendBatch(context, job.data);
  }, { ...settings, limiter: { max: perSecond, duration: 1000 } });
  worker.on('failed', (job, error) => {
    context.log.warn({ job: job?.id, err: error }, 'outbound job failed');
    onSendExhausted(context, job, error).catch((e) => context.log.error({ err: e }, 'could not mark message failed'));
  });
  return worker;
}

/**
 * The channels this process sends on. A provider with a connection of its own (a Wechaty bot) can
 * only send from the process that runs it (`npm start`), so a process without it (`npm run worker`)
 * leaves that channel's queue to the one that has it.
 */
export function sendingChannels(channels: Channels, ownConnections: boolean): OutboundChannel[] {
  return OUTBOUND_CHANNELS.filter((channel) => ownConnections || !channels.sender(channel)?.start);
}

/** Every job a worker of this process finishes is timed and counted (jifen_job_duration_seconds, jifen_job_failures_total). */
function measureJobs(workers: WorkerHandle[]): void {
  for (const worker of workers) {
    worker.on('completed', (job) => recordJob(job.queueName, job, 'completed'));
    worker.on('failed', (job, _error) => recordJob(job?.queueName ?? 'unknown', job, 'failed'));
  }
}

/**
 * Starts the pipeline, outbound (one per channel) and weekly workers, keeps the villages' weekly,
 * expiry and review follow-up schedules registered, runs the sweeper that re-queues unfinished work (src/plans/sweeper.ts)
 * and imports what webhooks spooled to disk while PostgreSQL was down (src/messages/spool-import.ts).
 */
export function startWorkers(context: Context, { ownConnections = true } = {}): RunningWorkers {
  const { backend } = context.jobs;
  const { workerConcurrency, jobLockMs } = context.config;
  // A killed worker's jobs are taken over once their lock lapses: checked as often as the lock lasts.
  const settings = { concurrency: workerConcurrency, lockDuration: jobLockMs, stalledInterval: jobLockMs };
  const pipeline = backend.worker(QUEUES.pipeline, (job) => runStage(context, job), settings);
  // A weekly job is one transaction too: a chunk's outbound rows and their send orders commit together.
  const weekly = backend.worker(QUEUES.weekly, (job) => runInTransaction(context, (tx) => runWeeklyJob(tx, job), `${job.name}:${job.id}`), settings);
  // Only the process serving the embedded database backs it up (daily); an external PostgreSQL is backed up by its operator.
  const maintenance = context.database.embedded ? [backend.worker(QUEUES.maintenance, () => runDailyBackup(context), { ...settings, concurrency: 1 })] : [];
  const workers: WorkerHandle[] = [pipeline, weekly, ...maintenance, ...sendingChannels(context.channels, ownConnections).map((channel) => outboundWorker(context, channel, settings))];
  pipeline.on('failed', (job, error) => {
    context.log.warn({ job: job?.id, err: error }, 'pipeline job failed');
    onStageFailed(context, job, error).catch((e) => context.log.error({ err: e }, 'could not record the failure'));
  });
  weekly.on('failed', (job, error) => context.log.warn({ job: job?.id, err: error }, 'weekly job failed'));
  for (const worker of workers) worker.on('error', (error) => context.log.error({ err: error }, 'worker error'));
  measureJobs(workers);
  const schedules = keepSchedules(context);

  const sweep = () => sweepUnfinished(context)
    .then((swept) => Object.values(swept).some((n) => n > 0) && context.log.info(swept, 'sweeper queued unfinished work'))
    .catch((error) => context.log.warn({ err: error }, 'sweep failed'));
  void sweep();
  const sweeper = setInterval(sweep, SWEEP_INTERVAL_MS);
  sweeper.unref();
  const spool = keepImportingSpool(context);

  return {
    ready: async () => { await Promise.all([...workers.map((w) => w.waitUntilReady()), schedules.first]); },
    close: async () => {
      clearInterval(sweeper);
      schedules.stop();
      await spool.stop();
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}
