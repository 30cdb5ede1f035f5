import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { loadConfig, type Config } from '../../src/config.ts';

export type TestBackend = 'embedded' | 'postgres' | 'redis';

export const testBackend = (process.env.JIFEN_TEST_BACKEND ?? 'embedded') as TestBackend;

export interface TestDatabase {
  config: Config;
  drop(): Promise<void>;
}

/** The server this project's suites make their databases on: the run's embedded PostgreSQL, or DATABASE_URL's. */
function serverUrlOf(backend: TestBackend): string {
  if (backend === 'embedded') return inject('embeddedDatabaseUrl');
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error(`the ${backend} test backend needs DATABASE_URL`);
  return url;
}

/**
 * A configuration of the backend this vitest project runs on, with a database (and queue
 * prefix) of its own: a fresh database on the run's embedded PostgreSQL or on DATABASE_URL's server.
 */
export async function createTestDatabase(overrides: Partial<Config> = {}): Promise<TestDatabase> {
  const base = loadConfig({ ...process.env, LOG_LEVEL: 'silent', SEED_VILLAGE_FILE: '' });
  const suffix = randomBytes(6).toString('hex');
  const serverUrl = serverUrlOf(testBackend);
  const name = `jifen_test_${suffix}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const redisUrl = testBackend === 'redis' ? process.env.REDIS_URL : undefined;
  if (testBackend === 'redis' && !redisUrl) throw new Error('the redis test backend needs REDIS_URL');
  return {
    config: { ...base, databaseUrl: url.toString(), redisUrl, queuePrefix: `jifen-test-${suffix}`, ...overrides },
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
      if (redisUrl) await dropRedisKeys(redisUrl, `jifen-test-${suffix}`);
    },
  };
}

/** Deletes every key under a prefix (a suite's own queues), as a Redis that lost its data would. */
export async function dropRedisKeys(url: string, prefix: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(url);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  redis.disconnect();
}
