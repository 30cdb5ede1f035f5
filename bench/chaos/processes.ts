/**
 * Process chaos: worker processes killed with SIGKILL mid-burst, and the Redis they use killed and
 * restarted (append-only file, fsync'd: what a production Redis for jifen must be) while webhooks
 * arrive. Then: every accepted message stored and processed, no claim posted twice, SMS handed to
 * the provider more than once counted, ledger verify.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import twilio from 'twilio';
import type { FastifyInstance } from 'fastify';
import type { Context } from '../../src/context.ts';
import { verifyLedger } from '../../src/ledger/verify.ts';
import type { FakeTwilio } from '../../test/support/fake-twilio.ts';
import { log } from '../util.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface ProcessChaosResult {
  accepted: number; replayed: number; stored: number; processed: number; lost: number;
  workersKilled: number; redisKills: number; doubledPostings: number; postings: number; duplicateSms: number; ledgerOk: boolean;
}

export interface ChaosServices {
  context: Context; app: FastifyInstance; fake: FakeTwilio; authToken: string;
  startWorker(): ChildProcess; startRedis(): Promise<ChildProcess>;
}

const villagers = Array.from({ length: 36 }, (_, i) => `+86139000200${String(i + 1).padStart(2, '0')}`);
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function count(context: Context, query: ReturnType<typeof sql>): Promise<number> {
  return (await context.db.execute<{ n: number }>(query)).rows[0]!.n;
}

export async function runProcessChaos(services: ChaosServices): Promise<ProcessChaosResult> {
  const { context, app, fake, authToken } = services;
  const result: ProcessChaosResult = { accepted: 0, replayed: 0, stored: 0, processed: 0, lost: 0, workersKilled: 0, redisKills: 0, doubledPostings: 0, postings: 0, duplicateSms: 0, ledgerOk: false };
  let sid = 0;
  const sent: { form: string; signature: string }[] = [];
  const post = async (from: string, body: string, replay?: { form: string; signature: string }) => {
    const params = { MessageSid: `SMproc${process.pid}x${String(++sid).padStart(12, '0')}`, AccountSid: 'ACbench', From: from, To: '+8613900009999', Body: body, NumMedia: '0' };
    const request = replay ?? { form: new URLSearchParams(params).toString(), signature: twilio.getExpectedTwilioSignature(authToken, `${context.config.publicUrl}/channels/twilio/sms`, params) };
    const response = await app.inject({ method: 'POST', url: '/channels/twilio/sms', payload: request.form, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': request.signature } });
    if (!replay && response.statusCode < 300) {
      sent.push(request);
      result.accepted++;
    }
    return response.statusCode;
  };
  let workers = [services.startWorker(), services.startWorker()];
  let redis = await services.startRedis();
  const burst = async (texts: string[]) => {
    for (const from of villagers) for (const text of texts) await post(from, text);
  };

  await burst(['院坝扫干净了']);
  log('chaos: SIGKILL both workers mid-burst');
  for (const worker of workers) worker.kill('SIGKILL');
  result.workersKilled += workers.length;
  await burst(['查积分']);
  workers = [services.startWorker(), services.startWorker()];
  log('chaos: SIGKILL Redis while webhooks arrive');
  redis.kill('SIGKILL');
  await once(redis, 'exit');
  result.redisKills++;
  await burst(['参加了院坝会']);
  redis = await services.startRedis();
  for (const request of sent.slice(0, 20)) { await post('', '', request); result.replayed++; }

  await waitProcessed(context, result, 180_000);
  log('chaos: a cadre approves everything; a worker is killed while it posts');
  await post('+8613900010001', '全部同意');
  await wait(300);
  workers[0]!.kill('SIGKILL');
  result.workersKilled++;
  workers[0] = services.startWorker();
  await post('+8613900010002', '全部同意');
  await waitProcessed(context, result, 180_000);
  await waitSettled(context, 60_000);

  result.postings = await count(context, sql`select count(*)::int as n from jifen.ledger_transactions`);
  result.doubledPostings = await count(context, sql`
    select count(*)::int as n from (select c.id from jifen.claims c join jifen.ledger_transactions t on t.idempotency_key = 'claim-' || c.id group by c.id having count(*) > 1) d`)
    + await count(context, sql`select (count(*) - count(distinct idempotency_key))::int as n from jifen.ledger_transactions`);
  const handedOver = await count(context, sql`select count(*)::int as n from jifen.outbound_messages where channel = 'sms' and status in ('sent', 'delivered')`);
  result.duplicateSms = Math.max(0, fake.messages.length - handedOver);
  result.ledgerOk = (await verifyLedger(context.db)).ok;
  for (const worker of workers) worker.kill('SIGKILL');
  redis.kill('SIGKILL');
  return result;
}

/** Until every stored message is processed (the sweeper re-queues what the outage left), or the limit. */
async function waitProcessed(context: Context, result: ProcessChaosResult, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    result.stored = await count(context, sql`select count(*)::int as n from jifen.inbound_messages where external_id like 'SMproc%'`);
    result.processed = await count(context, sql`select count(*)::int as n from jifen.inbound_messages where external_id like 'SMproc%' and processed_at is not null`);
    if (result.processed === result.stored || Date.now() > deadline) break;
    await wait(500);
  }
  result.lost = result.accepted - result.processed;
}

/** Until no outbound SMS is pending any more. */
async function waitSettled(context: Context, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline && (await count(context, sql`select count(*)::int as n from jifen.outbound_messages where status = 'pending'`)) > 0) await wait(500);
}

export function workerProcess(env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], { cwd: ROOT, stdio: 'ignore', env: { ...process.env, ...env } });
}
