import { Queue, Worker, createPostgresBackend, withBackend, type Job, type JobsOptions, type WorkerOptions } from 'bullmq';
import type { Config } from '../config.ts';
import { DropTolerantClient } from '../db/pg-client.ts';

/** The few BullMQ operations jifen uses, identical on Redis and on PostgreSQL. */
export interface QueueHandle {
  add(name: string, data: unknown, opts: JobsOptions): Promise<unknown>;
  addBulk(jobs: { name: string; data: unknown; opts: JobsOptions }[]): Promise<unknown>;
  getJobCounts(...types: string[]): Promise<Record<string, number>>;
  /** A repeating job (cron pattern in a timezone, or every n ms); upserting the same id again replaces it. */
  upsertJobScheduler(id: string, repeat: { pattern: string; tz: string } | { every: number }, template: { name: string; data: unknown; opts?: JobsOptions }): Promise<unknown>;
  close(): Promise<void>;
}

export interface WorkerHandle {
  on(event: 'failed', listener: (job: Job | undefined, error: Error) => void): unknown;
  on(event: 'completed', listener: (job: Job) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  /** Holds the queue back for this long (all workers): a batch job spends more than one unit of the rate limit. */
  rateLimit(ms: number): Promise<void>;
  close(force?: boolean): Promise<void>;
  waitUntilReady(): Promise<unknown>;
}

export type Processor = (job: Job) => Promise<unknown>;
type WorkerSettings = Omit<WorkerOptions, 'connection'>;

export interface QueueBackend {
  kind: 'redis' | 'postgres';
  queue(name: string): QueueHandle;
  worker(name: string, processor: Processor, settings: WorkerSettings): WorkerHandle;
  close(): Promise<void>;
}

async function redisBackend(url: string, prefix: string): Promise<QueueBackend> {
  // ioredis is loaded only on Redis: the PostgreSQL backends never need it (BullMQ loads it lazily too).
  const { Redis } = await import('ioredis');
  // Producers fail fast while Redis is away (the sweeper re-queues later); workers wait for it.
  const producer = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false });
  producer.on('error', () => {});
  const workerConnection = () => ({ url, maxRetriesPerRequest: null });
  return {
    kind: 'redis',
    queue: (name) => {
      const queue = new Queue(name, { connection: producer, prefix });
      // A lost connection already fails add() (and the sweeper re-queues later); don't print it twice.
      queue.on('error', () => {});
      return queue;
    },
    worker: (name, processor, settings) => new Worker(name, processor, { ...settings, connection: workerConnection(), prefix }),
    close: async () => { producer.disconnect(); },
  };
}

function postgresBackend(connectionString: string): QueueBackend {
  const bound = withBackend(createPostgresBackend);
  // Small pools: every queue and worker owns one, and PostgreSQL's connection budget is shared.
  const connection = () => ({ connectionString, schema: 'bullmq', migrate: true, max: 4, Client: DropTolerantClient });
  return {
    kind: 'postgres',
    queue: (name) => new bound.Queue(name, { connection: connection() }),
    worker: (name, processor, settings) => new bound.Worker(name, processor, { ...settings, connection: connection() }),
    close: async () => {},
  };
}

/** BullMQ on Redis when REDIS_URL is set, else BullMQ's PostgreSQL backend on the database jifen uses. */
export async function createQueueBackend(config: Config, databaseUrl: string): Promise<QueueBackend> {
  return config.redisUrl ? redisBackend(config.redisUrl, config.queuePrefix) : postgresBackend(databaseUrl);
}
