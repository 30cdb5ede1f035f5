import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { AUTH_TOKEN, startJifen, type Harness } from './jifen.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** `npm run worker` as its own process, on the test's database and queues (a test kills it with SIGKILL). */
export function startWorkerProcess(jifen: Harness, env: Record<string, string> = {}): ChildProcess {
  const { config } = jifen;
  return spawn(process.execPath, ['bin/launch.js', 'src/worker.ts'], {
    cwd: ROOT,
    stdio: 'ignore',
    env: {
      ...process.env,
      DATABASE_URL: jifen.context.database.url,
      REDIS_URL: config.redisUrl ?? '',
      QUEUE_PREFIX: config.queuePrefix,
      JOB_LOCK_MS: '1500',
      LOG_LEVEL: 'silent',
      PUBLIC_URL: config.publicUrl,
      TWILIO_ACCOUNT_SID: 'ACtest',
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      TWILIO_FROM_NUMBER: '+8613900009999',
      TWILIO_API_BASE_URL: jifen.twilioApi.url,
      ...env,
    },
  });
}

/**
 * A suite's jifen without in-process workers (handed to `onStart`), and a way to start worker
 * processes it may kill; after the suite every one is killed and jifen closed.
 */
export function workerProcessSuite(onStart: (jifen: Harness) => void): (env?: Record<string, string>) => ChildProcess {
  let jifen: Harness | undefined;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    jifen = await startJifen({ workers: false });
    onStart(jifen);
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await jifen?.close();
  });
  return (env) => {
    const child = startWorkerProcess(jifen!, env);
    children.push(child);
    return child;
  };
}
