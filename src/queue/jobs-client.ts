import type { JobsOptions } from 'bullmq';
import type { QueueBackend, QueueHandle } from './backend.ts';
import {
  OUTBOUND_CHANNELS, outboundJobId, outboundQueue, pipelineJobId, QUEUES, weeklyJobId, type OutboundChannel, type OutboundJob, type PipelineJob, type WeeklyJob,
} from './jobs.ts';

const HOUR = 3600;

/**
 * Finished jobs are kept an hour, so a late duplicate (same job id) still collapses into its job;
 * past that the stages' own idempotence catches it. On Redis a count cap bounds memory; on
 * PostgreSQL a count cap costs a scan of the kept jobs at every completion, and age is enough.
 * The benchmark's baseline gives its no-op jobs the same.
 */
export function jobOptions(backend: QueueBackend): JobsOptions {
  return {
    attempts: 6,
    backoff: { type: 'exponential', delay: 1_000 },
    removeOnComplete: backend.kind === 'redis' ? { age: HOUR, count: 10_000 } : { age: HOUR },
    removeOnFail: { age: 7 * 24 * HOUR },
  };
}

/**
 * Later stages go first (1 = highest): a claim already under way finishes before a new one
 * starts, so a cadre's reply is not stuck behind a burst of fresh claims.
 */
const STAGE_PRIORITY: Record<PipelineJob['name'], number> = {
  post: 1, 'publicity-end': 1, 'advance-claim': 2, 'review-follow-up': 3, 'checkin-close': 3, intake: 4,
  expire: 5, retention: 5, 'announcement-send': 5, 'announcement-report': 5,
};

/** How long a producer waits for the queue before leaving the work to the sweeper. */
const ENQUEUE_TIMEOUT_MS = 3_000;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: queue did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A cron pattern in a timezone, or every so many milliseconds. */
type Repeat = { pattern: string; tz: string } | { every: number };

/** Recorded messages to send: their ids, and the channel whose queue sends them. */
export interface SendOrder {
  channel: OutboundChannel;
  outboundIds: number[];
  /** Hold the sending back (quiet hours). */
  delayMs?: number;
  /** Up to this many messages per job (the weekly fan-out); 1 by default. */
  batchSize?: number;
}

const isOutboundChannel = (channel: string): channel is OutboundChannel => (OUTBOUND_CHANNELS as readonly string[]).includes(channel);

/** The outbound queue of a message's channel; an unknown channel is a programming error. */
export function outboundChannel(channel: string): OutboundChannel {
  if (!isOutboundChannel(channel)) throw new Error(`jifen does not send on channel ${channel}`);
  return channel;
}

/** The producer side of jifen's queues. */
export class JobsClient {
  readonly pipeline: QueueHandle;
  readonly weekly: QueueHandle;
  readonly outbound: Record<OutboundChannel, QueueHandle>;
  private readonly options: JobsOptions;

  constructor(readonly backend: QueueBackend) {
    this.pipeline = backend.queue(QUEUES.pipeline);
    this.weekly = backend.queue(QUEUES.weekly);
    this.outbound = Object.fromEntries(OUTBOUND_CHANNELS.map((channel) => [channel, backend.queue(outboundQueue(channel))])) as Record<OutboundChannel, QueueHandle>;
    this.options = jobOptions(backend);
  }

  /** Queues a stage; `delayMs` makes it due later (a reminder, the end of publicity). */
  async enqueue(job: PipelineJob, { delayMs = 0 } = {}): Promise<void> {
    const jobId = pipelineJobId(job);
    const options = { ...this.options, jobId, priority: STAGE_PRIORITY[job.name], ...(delayMs > 0 ? { delay: Math.ceil(delayMs) } : {}) };
    await withTimeout(this.pipeline.add(job.name, job.data, options), ENQUEUE_TIMEOUT_MS, jobId);
  }

  /** Queues the sending of recorded outbound messages on their channel's queue, in one round trip. */
  async send({ channel, outboundIds, delayMs, batchSize = 1 }: SendOrder): Promise<void> {
    if (outboundIds.length === 0) return;
    const jobs: OutboundJob[] = [];
    for (let i = 0; i < outboundIds.length; i += batchSize) {
      const ids = outboundIds.slice(i, i + batchSize);
      jobs.push(ids.length === 1 ? { name: 'send', data: { outboundId: ids[0]! } } : { name: 'send-batch', data: { outboundIds: ids } });
    }
    const options = { ...this.options, attempts: 8, ...(delayMs ? { delay: delayMs } : {}) };
    const bulk = jobs.map((job) => ({ name: job.name, data: job.data, opts: { ...options, jobId: outboundJobId(job) } }));
    await withTimeout(this.outbound[channel].addBulk(bulk), ENQUEUE_TIMEOUT_MS, bulk[0]!.opts.jobId);
  }

  /** Queues weekly jobs; their ids are per village and week, so queuing them twice is once. */
  async enqueueWeekly(jobs: WeeklyJob[]): Promise<void> {
    if (jobs.length === 0) return;
    const bulk = jobs.map((job) => ({ name: job.name, data: job.data, opts: { ...this.options, jobId: weeklyJobId(job) } }));
    await withTimeout(this.weekly.addBulk(bulk), ENQUEUE_TIMEOUT_MS, bulk[0]!.opts.jobId);
  }

  /** Creates or replaces a village's repeating weekly run; it is retried like every other job. */
  async scheduleWeekly(schedulerId: string, repeat: Repeat, job: WeeklyJob): Promise<void> {
    await this.upsertScheduler(QUEUES.weekly, schedulerId, repeat, { name: job.name, data: job.data, opts: this.options });
  }

  /** Creates or replaces a repeating pipeline job (a village's daily expiry). */
  async schedule(schedulerId: string, repeat: Repeat, job: PipelineJob): Promise<void> {
    await this.upsertScheduler(QUEUES.pipeline, schedulerId, repeat, { name: job.name, data: job.data, opts: { ...this.options, priority: STAGE_PRIORITY[job.name] } });
  }

  /** Upserting the same scheduler id again replaces it, so registering at every start-up is idempotent. */
  private async upsertScheduler(queueName: string, schedulerId: string, repeat: Repeat, template: { name: string; data: unknown; opts: JobsOptions }) {
    // A queue of its own, closed at once: on PostgreSQL a queue's job scheduler keeps a connection its close() leaves open.
    const queue = this.backend.queue(queueName);
    try {
      await withTimeout(queue.upsertJobScheduler(schedulerId, repeat, template), ENQUEUE_TIMEOUT_MS, schedulerId);
    } finally {
      await queue.close();
    }
  }

  /** Resolves when the queue store answers; used by /readyz. */
  async ping(): Promise<void> {
    await withTimeout(this.pipeline.getJobCounts('waiting'), ENQUEUE_TIMEOUT_MS, 'ping');
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.pipeline, this.weekly, ...Object.values(this.outbound)].map((queue) => queue.close()));
    await this.backend.close();
  }
}
