import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueueBackend } from '../../src/queue/backend.ts';
import { JobsClient } from '../../src/queue/jobs-client.ts';
import { testBackend } from '../support/backend.ts';
import { startJifen, type Harness } from '../support/jifen.ts';

describe(`health probes (${testBackend})`, () => {
  let jifen: Harness;
  beforeAll(async () => { jifen = await startJifen({ workers: false }); });
  afterAll(async () => { await jifen?.close(); });

  it('/healthz answers while the process runs', async () => {
    const response = await jifen.app.inject({ method: 'GET', url: '/healthz' });
    expect([response.statusCode, response.json()]).toEqual([200, { status: 'ok' }]);
  });

  it('/readyz is ready when the database and the queue answer, and 503 when the queue does not', async () => {
    const ready = await jifen.app.inject({ method: 'GET', url: '/readyz' });
    expect([ready.statusCode, ready.json()]).toEqual([200, { status: 'ready', database: 'ok', queue: 'ok' }]);

    const { context } = jifen;
    const working = context.jobs;
    context.jobs = new JobsClient(await createQueueBackend({ ...context.config, redisUrl: 'redis://127.0.0.1:1' }, context.database.url));
    try {
      const down = await jifen.app.inject({ method: 'GET', url: '/readyz' });
      expect(down.statusCode).toBe(503);
      expect(down.json()).toMatchObject({ status: 'not ready', database: 'ok', queue: expect.stringMatching(/^unreachable: /) });
    } finally {
      await context.jobs.close();
      context.jobs = working;
    }
  });
});
