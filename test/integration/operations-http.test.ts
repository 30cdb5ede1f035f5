import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queuesUiRoutes } from '../../src/http/queues-ui.ts';
import { sql } from 'drizzle-orm';
import { OUTBOUND_CHANNELS, outboundQueue, QUEUES } from '../../src/queue/jobs.ts';
import { loadConfig } from '../../src/config.ts';
import { testBackend } from '../support/backend.ts';
import { startJifen, type Harness } from '../support/jifen.ts';
import { award } from '../support/records.ts';

const TOKEN = 'ops-test-token';
const auth = { authorization: `Bearer ${TOKEN}` };
const villager = '+8613900020004'; // FNP-004

/** The value of one sample line of a Prometheus text exposition (labels in any order), or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([key, value]) => present[key] === value)) return Number(match[3]);
  }
  return undefined;
}

const sum = (text: string, name: string) => text.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
  .reduce((total, line) => total + Number(line.split(' ').at(-1)), 0);

/** Full paths from fastify's route tree (a child line's path continues its parent's). */
function postRoutes(tree: string): string[] {
  const stack: string[] = [];
  return tree.split('\n').flatMap((line) => {
    const at = line.indexOf('── ');
    if (at < 0) return [];
    const depth = at / 4;
    stack[depth] = (stack[depth - 1] ?? '') + line.slice(at + 3).replace(' (POST)', '').trim();
    return [stack[depth]!];
  });
}

describe(`operations over HTTP: metrics, API docs, queue UI, limits (${testBackend})`, () => {
  let jifen: Harness;
  beforeAll(async () => {
    jifen = await startJifen({ config: { apiToken: TOKEN, operations: { ...loadConfig({}).operations, shutdown: { drainDelayMs: 0, timeoutMs: 5_000 }, apiPerMinute: 40, floodPerMinute: 10 } } });
  });
  afterAll(async () => { await jifen?.close(); });

  const scrape = async () => {
    const response = await jifen.app.inject({ url: '/metrics', headers: auth });
    expect(response.statusCode).toBe(200);
    return response.body;
  };
  const count = async (query: ReturnType<typeof sql>) => (await jifen.context.db.execute<{ n: number }>(query)).rows[0]!.n;

  it('/metrics needs the token, then reports what an end-to-end run did, as the database and queues say', async () => {
    expect((await jifen.app.inject({ url: '/metrics' })).statusCode).toBe(401);
    expect((await jifen.sms(villager, '14')).status).toBe(200); // a claim: awaiting review, cadres asked by SMS
    await jifen.waitFor(async () => (await count(sql`select count(*)::int as n from jifen.claims where state = 'awaiting_review'`)) === 1, 'the claim awaiting review');
    await jifen.waitFor(async () => (await count(sql`select count(*)::int as n from jifen.outbound_messages where status = 'sent'`)) >= 2, 'the messages sent');
    await award(jifen.context, 'FNP-001', 5);

    const text = await scrape();
    expect(sample(text, 'jifen_inbound_messages', { channel: 'sms' })).toBeGreaterThanOrEqual(1);
    expect(sum(text, 'jifen_inbound_messages')).toBe(await count(sql`select count(*)::int as n from jifen.inbound_messages`));
    expect(sum(text, 'jifen_outbound_messages')).toBe(await count(sql`select count(*)::int as n from jifen.outbound_messages`));
    expect(sample(text, 'jifen_outbound_messages', { channel: 'sms', provider: 'twilio', status: 'sent' }))
      .toBe(await count(sql`select count(*)::int as n from jifen.outbound_messages where channel = 'sms' and status = 'sent'`));
    expect(sample(text, 'jifen_sms_segments_sent'))
      .toBe(await count(sql`select coalesce(sum(segments), 0)::int as n from jifen.outbound_messages where channel = 'sms' and status in ('sent', 'delivered')`));
    expect(sum(text, 'jifen_ledger_postings')).toBe(await count(sql`select count(*)::int as n from jifen.ledger_transactions`));
    expect(sum(text, 'jifen_ledger_postings')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'jifen_claims_awaiting_review')).toBe(1);
    expect(sample(text, 'jifen_claims_awaiting_review_oldest_seconds')).toBeGreaterThan(0);
    expect(sample(text, 'jifen_queue_jobs', { queue: 'pipeline', state: 'waiting' })).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'jifen_queue_jobs', { queue: 'outbound-sms', state: 'failed' })).toBe(0);
    expect(sample(text, 'jifen_job_duration_seconds_count', { queue: 'pipeline', name: 'intake', outcome: 'completed' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'jifen_http_request_duration_seconds_count', { route: '/channels/twilio/sms', method: 'POST', status: '200' })).toBeGreaterThanOrEqual(1);
  });

  it('OpenAPI at /docs/json comes from the routes\' schemas; the UI at /docs', async () => {
    const spec = (await jifen.app.inject({ url: '/docs/json' })).json() as { openapi: string; paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { required: string[]; properties: Record<string, { maxLength?: number }> } }> } }>> };
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths).sort()).toEqual(['/api/declarations', '/api/redemptions', '/api/redemptions/{id}/reversal', '/villages/{code}/publicity', '/villages/{code}/publicity.pdf']);
    const declaration = spec.paths['/api/declarations']!.post!.requestBody!.content['application/json']!.schema;
    expect(declaration.required.sort()).toEqual(['cadre', 'household', 'text']);
    expect(declaration.properties.text!.maxLength).toBe(500);
    const ui = await jifen.app.inject({ url: '/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain('swagger');
  });

  it('without JIFEN_API_TOKEN the queue UI is off: every path under it is refused (and bull-board is not loaded)', async () => {
    const app = Fastify();
    await app.register(queuesUiRoutes, { context: { ...jifen.context, config: { ...jifen.context.config, apiToken: undefined } } });
    for (const url of ['/admin/queues', '/admin/queues/api/queues', '/admin/queues/static/x.js']) {
      const refused = await app.inject({ url, headers: auth });
      expect([url, refused.statusCode, refused.json()]).toEqual([url, 401, { error: 'the API is off: JIFEN_API_TOKEN is not set' }]);
    }
    await app.close();
  });

  it('the queue UI needs the token (bearer, or as the basic-auth password in a browser)', async () => {
    const refused = await jifen.app.inject({ url: '/admin/queues' });
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['www-authenticate']).toContain('Basic');
    expect((await jifen.app.inject({ url: '/admin/queues', headers: { authorization: `Basic ${Buffer.from('admin:wrong').toString('base64')}` } })).statusCode).toBe(401);
    const page = await jifen.app.inject({ url: '/admin/queues', headers: { authorization: `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}` } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('jifen queues');
    const queues = await jifen.app.inject({ url: '/admin/queues/api/queues', headers: auth });
    expect(queues.statusCode).toBe(200);
    expect((queues.json() as { queues: { name: string }[] }).queues.map((q) => q.name).sort())
      .toEqual([...OUTBOUND_CHANNELS.map(outboundQueue), QUEUES.pipeline, QUEUES.weekly].sort());
  });

  it('every route refuses a body over its limit with 413, and nothing is stored', async () => {
    const routes = postRoutes(jifen.app.printRoutes({ commonPrefix: false, method: 'POST' }));
    expect(routes.length).toBeGreaterThanOrEqual(8);
    const before = await count(sql`select count(*)::int as n from jifen.inbound_messages`);
    const tooLarge: string[] = [];
    for (const route of routes) {
      const url = route.replace(':id', '1').replace(':queueName', 'pipeline');
      for (const type of ['application/json', 'application/x-www-form-urlencoded', 'text/xml']) {
        const response = await jifen.app.inject({ method: 'POST', url, headers: { 'content-type': type, ...auth }, payload: 'x'.repeat(1024 * 1024) });
        // A provider's route that is off or checks its token first refuses before reading the body (401/403).
        expect([413, 415, 401, 403], `${url} ${type}`).toContain(response.statusCode);
        if (response.statusCode === 413) tooLarge.push(url);
      }
    }
    expect(new Set(tooLarge).size, [...new Set(tooLarge)].join(' ')).toBeGreaterThanOrEqual(10);
    expect(await count(sql`select count(*)::int as n from jifen.inbound_messages`)).toBe(before);
  });

  it('rate-limits the API per client: 429 past the limit, webhooks unaffected', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 45; i++) codes.push((await jifen.app.inject({ method: 'POST', url: '/api/declarations', headers: auth, payload: {} })).statusCode);
    expect(codes.filter((code) => code === 429).length).toBeGreaterThan(0);
    expect(codes.slice(0, 10).every((code) => code === 400)).toBe(true);
    expect((await jifen.sms(villager, '查积分')).status).toBe(200);
  });
});
