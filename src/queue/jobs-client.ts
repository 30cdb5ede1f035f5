import type { JobsOptions } from 'bullmq';
import type { QueueBackend, QueueHandle } from './backend.ts';
import { outboundJobId, pipelineJobId, type OutboundJob, type PipelineJob } from './jobs.ts';

const RETRY: JobsOptions = {
  attempts: 6,
  backoff: { type: 'exponential', delay: 1_000 },
  // Keep finished jobs long enough that a late duplicate (same job id) still collapses into them.
  removeOnComplete: { age: 24 * 3600, count: 50_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
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

  constructor(readonly backend: QueueBackend) {
    this.pipeline = backend.queue('pipeline');
    this.outbound = backend.queue('outbound');
  }

  async enqueue(job: PipelineJob): Promise<void> {
    const jobId = pipelineJobId(job);
    await withTimeout(this.pipeline.add(job.name, job.data, { ...RETRY, jobId }), ENQUEUE_TIMEOUT_MS, jobId);
  }

  async send(job: OutboundJob): Promise<void> {
    const jobId = outboundJobId(job);
    await withTimeout(this.outbound.add(job.name, job.data, { ...RETRY, attempts: 8, jobId }), ENQUEUE_TIMEOUT_MS, jobId);
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
