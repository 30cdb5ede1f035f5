import type { JobsOptions } from 'bullmq';
import type { QueueBackend, QueueHandle } from './backend.ts';
import { outboundJobId, pipelineJobId, QUEUES, type OutboundJob, type PipelineJob } from './jobs.ts';

const HOUR = 3600;

/**
 * Finished jobs are kept an hour, so a late duplicate (same job id) still collapses into its job;
 * past that the stages' own idempotence catches it. On Redis a count cap bounds memory; on
 * PostgreSQL a count cap costs a scan of the kept jobs at every completion, and age is enough.
 */
function jobOptions(backend: QueueBackend): JobsOptions {
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
  post: 1, 'publicity-end': 1, 'cadre-command': 2, 'review-request': 3, 'review-remind': 3, 'review-escalate': 3,
  score: 4, validate: 5, understand: 6, intake: 7, expire: 8,
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

/** The producer side of jifen's queues. */
export class JobsClient {
  readonly pipeline: QueueHandle;
  readonly outbound: QueueHandle;
  private readonly options: JobsOptions;

  constructor(readonly backend: QueueBackend) {
    this.pipeline = backend.queue(QUEUES.pipeline);
    this.outbound = backend.queue(QUEUES.outbound);
    this.options = jobOptions(backend);
  }

  /** Queues a stage; `delayMs` makes it due later (a reminder, the end of publicity). */
  async enqueue(job: PipelineJob, { delayMs = 0 } = {}): Promise<void> {
    const jobId = pipelineJobId(job);
    const options = { ...this.options, jobId, priority: STAGE_PRIORITY[job.name], ...(delayMs > 0 ? { delay: Math.ceil(delayMs) } : {}) };
    await withTimeout(this.pipeline.add(job.name, job.data, options), ENQUEUE_TIMEOUT_MS, jobId);
  }

  /** Queues the sending of recorded outbound messages, in one round trip. */
  async send(outboundIds: number[]): Promise<void> {
    if (outboundIds.length === 0) return;
    const jobs = outboundIds.map((outboundId) => {
      const job: OutboundJob = { name: 'send', data: { outboundId } };
      return { name: job.name, data: job.data, opts: { ...this.options, attempts: 8, jobId: outboundJobId(job) } };
    });
    await withTimeout(this.outbound.addBulk(jobs), ENQUEUE_TIMEOUT_MS, jobs[0]!.opts.jobId);
  }

  /** Creates or updates a repeating pipeline job (idempotent: the same id is one scheduler). */
  async schedule(id: string, repeat: { pattern: string; tz: string }, job: PipelineJob): Promise<void> {
    // A queue of its own, closed at once: on PostgreSQL a queue's job scheduler keeps a connection its close() leaves open.
    const queue = this.backend.queue(QUEUES.pipeline);
    try {
      await withTimeout(queue.upsertJobScheduler(id, repeat, { name: job.name, data: job.data, opts: { ...this.options, priority: STAGE_PRIORITY[job.name] } }), ENQUEUE_TIMEOUT_MS, id);
    } finally {
      await queue.close();
    }
  }

  /** Resolves when the queue store answers; used by /readyz. */
  async ping(): Promise<void> {
    await withTimeout(this.pipeline.getJobCounts('waiting'), ENQUEUE_TIMEOUT_MS, 'ping');
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.pipeline.close(), this.outbound.close()]);
    await this.backend.close();
  }
}
