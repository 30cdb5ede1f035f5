import { Counter, Histogram, Registry } from 'prom-client';

/**
 * What one process measures as it happens (HTTP latency, jobs it ran). Counts that must be right
 * across processes — messages, postings, claims, queue depths — are read from PostgreSQL and the
 * queues when scraped instead (see scrape.ts).
 */
export const registry = new Registry();

export const httpDuration = new Histogram({
  name: 'jifen_http_request_duration_seconds',
  help: 'HTTP requests this process answered, by route (webhooks are /channels/…), method and status',
  labelNames: ['route', 'method', 'status'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

export const jobDuration = new Histogram({
  name: 'jifen_job_duration_seconds',
  help: 'Jobs this process ran, from start to finish, by queue, job name and outcome (completed or failed)',
  labelNames: ['queue', 'name', 'outcome'],
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  registers: [registry],
});

export const jobFailures = new Counter({
  name: 'jifen_job_failures_total',
  help: 'Job attempts that failed in this process, by queue and job name (each retry counts)',
  labelNames: ['queue', 'name'],
  registers: [registry],
});

interface FinishedJob { name: string; processedOn?: number; finishedOn?: number }

/** Records a job's run when its worker reports it completed or failed. */
export function recordJob(queue: string, job: FinishedJob | undefined, outcome: 'completed' | 'failed'): void {
  if (!job) return;
  if (outcome === 'failed') jobFailures.inc({ queue, name: job.name });
  if (job.processedOn && job.finishedOn) jobDuration.observe({ queue, name: job.name, outcome }, (job.finishedOn - job.processedOn) / 1000);
}

export const inboundSpooled = new Counter({
  name: 'jifen_inbound_spooled_total',
  help: 'Inbound messages this process wrote to the local spool because PostgreSQL was unreachable, by channel',
  labelNames: ['channel'],
  registers: [registry],
});

export const spoolImported = new Counter({
  name: 'jifen_inbound_spool_imported_total',
  help: 'Spooled lines this process imported, by result (stored, duplicate: already stored, rejected: corrupt or refused, kept in a .rejected file)',
  labelNames: ['result'],
  registers: [registry],
});
