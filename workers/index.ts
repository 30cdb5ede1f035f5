import { UnrecoverableError, type Job } from 'bullmq';
import type { Context } from '../src/context.ts';
import { sweepUnqueued } from '../src/messages/inbound.ts';
import type { WorkerHandle } from '../src/queue/backend.ts';
import { QUEUES, type PipelineJob, type PipelineJobName } from '../src/queue/jobs.ts';
import { scheduleExpiry } from '../src/supermarket/expiry-schedule.ts';
import { cadreCommand } from './cadre-command.ts';
import { expire } from './expire.ts';
import { intake } from './intake.ts';
import { post } from './post.ts';
import { publicityEnded } from './publicity.ts';
import { reviewEscalate, reviewRemind } from './review-follow-up.ts';
import { reviewRequest } from './review-request.ts';
import { score } from './score.ts';
import { onStageFailed } from './failures.ts';
import { onSendExhausted, send } from './send.ts';
import type { PipelineStage } from './stage.ts';
import { understand } from './understand.ts';
import { validate } from './validate.ts';

/** Every pipeline job name has its stage; the type makes a missing one a compile error. */
const STAGES: { [N in PipelineJobName]: PipelineStage<N> } = {
  intake, understand, 'cadre-command': cadreCommand, validate, score, 'review-request': reviewRequest, post,
  'review-remind': reviewRemind, 'review-escalate': reviewEscalate, 'publicity-end': publicityEnded, expire,
};

const SWEEP_INTERVAL_MS = 10_000;

export interface RunningWorkers {
  ready(): Promise<void>;
  close(): Promise<void>;
}

function runStage(context: Context, job: Job): Promise<void> {
  const stage = STAGES[job.name as PipelineJobName] as ((c: Context, d: PipelineJob['data']) => Promise<void>) | undefined;
  if (!stage) throw new UnrecoverableError(`no stage for job ${job.name}`);
  return stage(context, job.data);
}

/** Starts the pipeline and outbound workers and the sweeper that re-queues messages stored while the queue was down. */
export function startWorkers(context: Context): RunningWorkers {
  const { backend } = context.jobs;
  const { workerConcurrency, jobLockMs } = context.config;
  // A killed worker's jobs are taken over once their lock lapses: checked as often as the lock lasts.
  const settings = { concurrency: workerConcurrency, lockDuration: jobLockMs, stalledInterval: jobLockMs };
  const workers: WorkerHandle[] = [
    backend.worker(QUEUES.pipeline, (job) => runStage(context, job), settings),
    backend.worker(QUEUES.outbound, (job) => send(context, job.data), settings),
  ];
  const [pipeline, outbound] = workers;
  pipeline!.on('failed', (job, error) => {
    context.log.warn({ job: job?.id, err: error }, 'pipeline job failed');
    onStageFailed(context, job, error).catch((e) => context.log.error({ err: e }, 'could not record the failure'));
  });
  outbound!.on('failed', (job, error) => {
    context.log.warn({ job: job?.id, err: error }, 'outbound job failed');
    onSendExhausted(context, job, error).catch((e) => context.log.error({ err: e }, 'could not mark message failed'));
  });
  for (const worker of workers) worker.on('error', (error) => context.log.error({ err: error }, 'worker error'));

  const sweep = () => sweepUnqueued(context)
    .then((count) => count > 0 && context.log.info({ count }, 'sweeper queued stored messages'))
    .catch((error) => context.log.warn({ err: error }, 'sweep failed'));
  void sweep();
  const sweeper = setInterval(sweep, SWEEP_INTERVAL_MS);
  sweeper.unref();

  const scheduled = scheduleExpiry(context).catch((error) => context.log.warn({ err: error }, 'could not schedule points expiry'));

  return {
    ready: async () => { await Promise.all([...workers.map((w) => w.waitUntilReady()), scheduled]); },
    close: async () => {
      clearInterval(sweeper);
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}
