import { performance } from 'node:perf_hooks';
import type { Queue, Worker } from 'bullmq';
import type { Config } from '../src/config.ts';
import { createQueueBackend } from '../src/queue/backend.ts';
import { jobOptions } from '../src/queue/jobs-client.ts';
import { log, type Deadline } from './util.ts';

const CHUNK = 1_000;

export interface BaselineResult {
  jobs: number;
  elapsedMs: number;
  jobsPerS: number;
}

/**
 * Raw BullMQ throughput on the same backend the app uses: a queue and a no-op worker made by
 * jifen's own createQueueBackend (same connection settings, the app workers' concurrency and lock
 * duration), each job with the options jifen's own queues give theirs (jobOptions) and a
 * deterministic job id as jifen uses, so the no-op jobs pay the same bookkeeping; N jobs added with addBulk in chunks of 1,000, timed from the first add until the
 * worker has reported N completions.
 */
export async function runBaseline(config: Config, databaseUrl: string, jobs: number, deadline: Deadline): Promise<BaselineResult> {
  const backend = await createQueueBackend(config, databaseUrl);
  const options = jobOptions(backend);
  // The QueueHandle/WorkerHandle interfaces expose only what jifen uses; underneath they are BullMQ's classes.
  const queue = backend.queue('bench-noop') as unknown as Queue;
  let completed = 0;
  let failed = 0;
  let finish!: () => void;
  const allDone = new Promise<void>((resolve) => { finish = resolve; });
  const worker = backend.worker('bench-noop', async () => {}, {
    concurrency: config.workerConcurrency, lockDuration: config.jobLockMs,
  }) as unknown as Worker;
  worker.on('completed', () => {
    if (++completed >= jobs) finish();
  });
  worker.on('failed', () => { failed++; });
  worker.on('error', (error) => log(`baseline worker error: ${error.message}`));
  const progress = setInterval(() => log(`baseline: ${completed}/${jobs} completed`), 2_000);
  try {
    await deadline.race(Promise.all([queue.waitUntilReady(), worker.waitUntilReady()]), 'starting the baseline queue');
    log(`baseline: ${jobs} no-op jobs, concurrency ${config.workerConcurrency}, addBulk chunks of ${CHUNK}`);
    const started = performance.now();
    for (let offset = 0; offset < jobs; offset += CHUNK) {
      const size = Math.min(CHUNK, jobs - offset);
      await deadline.race(queue.addBulk(Array.from({ length: size }, (_, i) => ({
        name: 'noop', data: { n: offset + i }, opts: { ...options, jobId: `noop-${offset + i}` },
      }))), 'adding baseline jobs');
    }
    const added = performance.now();
    await deadline.race(allDone, `waiting for baseline jobs (${completed}/${jobs} completed)`);
    const elapsedMs = performance.now() - started;
    log(`baseline: ${jobs} jobs in ${(elapsedMs / 1000).toFixed(2)} s (adding took ${((added - started) / 1000).toFixed(2)} s), ${failed} failed`);
    return { jobs, elapsedMs, jobsPerS: jobs / (elapsedMs / 1000) };
  } finally {
    clearInterval(progress);
    await worker.close().catch(() => {});
    // Leave no trace in the queue store the end-to-end run uses next.
    await queue.obliterate({ force: true }).catch((error: unknown) => log(`baseline: obliterate failed: ${(error as Error).message}`));
    await queue.close().catch(() => {});
    await backend.close();
  }
}
