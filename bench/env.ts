import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig, type Config } from '../src/config.ts';
import { freeLoopbackPort } from '../src/free-port.ts';
import { log } from './util.ts';

export type BenchBackend = 'embedded' | 'postgres' | 'redis';

export interface BenchEnv {
  backend: BenchBackend;
  config: Config;
  /** Removes what the run created: the temporary data folder, the database, the Redis keys. Safe to call twice. */
  cleanup(): Promise<void>;
}

export const BENCH_AUTH_TOKEN = 'bench-token';
export const BENCH_ACCOUNT_SID = 'ACbench';

/**
 * The backend the environment selects, with state of its own: nothing set = embedded PostgreSQL in a
 * temporary DATA_DIR; DATABASE_URL = a fresh database jifen_bench_<random> on that server;
 * DATABASE_URL + REDIS_URL = the same, with queues on Redis under a unique QUEUE_PREFIX.
 */
export async function createBenchEnv(twilioApiUrl: string): Promise<BenchEnv> {
  const suffix = randomBytes(5).toString('hex');
  const serverUrl = process.env.DATABASE_URL?.trim() || undefined;
  const redisUrl = process.env.REDIS_URL?.trim() || undefined;
  if (redisUrl && !serverUrl) throw new Error('REDIS_URL needs DATABASE_URL (queues on Redis imply a shared PostgreSQL)');
  const backend: BenchBackend = redisUrl ? 'redis' : serverUrl ? 'postgres' : 'embedded';
  // The channel signs webhooks against publicUrl, which must be known before the app is built.
  const port = await freeLoopbackPort();
  const base = loadConfig({
    ...process.env, LOG_LEVEL: 'silent', SEED_VILLAGE_FILE: '', HOST: '127.0.0.1', PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
  });
  const twilio = { accountSid: BENCH_ACCOUNT_SID, authToken: BENCH_AUTH_TOKEN, apiBaseUrl: twilioApiUrl };
  const cleanups: Array<() => Promise<void>> = [];
  const cleanup = async () => {
    while (cleanups.length > 0) {
      const step = cleanups.pop()!;
      await step().catch((error: unknown) => log(`cleanup step failed: ${(error as Error).message}`));
    }
  };

  if (backend === 'embedded') {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'jifen-bench-'));
    cleanups.push(() => fs.rm(dataDir, { recursive: true, force: true }));
    log(`backend: embedded PostgreSQL in ${dataDir}, BullMQ on it`);
    return { backend, config: { ...base, dataDir, databaseUrl: undefined, redisUrl: undefined, twilio }, cleanup };
  }

  const name = `jifen_bench_${suffix}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  cleanups.push(async () => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(`drop database if exists ${name} with (force)`);
    } finally {
      await client.end();
    }
  });
  const url = new URL(serverUrl!);
  url.pathname = `/${name}`;
  const queuePrefix = `jifen-bench-${suffix}`;
  if (redisUrl) cleanups.push(() => dropRedisKeys(redisUrl, queuePrefix));
  log(`backend: PostgreSQL database ${name}, ${redisUrl ? `BullMQ on Redis (prefix ${queuePrefix})` : 'BullMQ on PostgreSQL'}`);
  return {
    backend,
    config: { ...base, databaseUrl: url.toString(), redisUrl, queuePrefix, twilio },
    cleanup,
  };
}

async function dropRedisKeys(url: string, prefix: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, { maxRetriesPerRequest: 2 });
  try {
    let cursor = '0';
    let deleted = 0;
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) deleted += await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
    log(`redis: removed ${deleted} keys under ${prefix}:`);
  } finally {
    redis.disconnect();
  }
}
