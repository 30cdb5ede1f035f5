import path from 'node:path';
import twilio from 'twilio';
import type { FastifyInstance } from 'fastify';
import { desc, eq } from 'drizzle-orm';
import type { Config } from '../../src/config.ts';
import { closeContext, createContext, type Context } from '../../src/context.ts';
import { inboundMessages, outboundMessages } from '../../src/db/schema/index.ts';
import { buildApp } from '../../src/http/app.ts';
import { acceptInbound } from '../../src/messages/inbound.ts';
import { createLogger, type Logger } from '../../src/log.ts';
import { importVillage } from '../../src/village/import.ts';
import { readVillageFile } from '../../src/village/village-file.ts';
import { startWorkers, type RunningWorkers } from '../../workers/index.ts';
import { normalizeSms } from '../../channels/twilio/normalize.ts';
import { createTestDatabase, type TestDatabase } from './backend.ts';
import { FakeTwilio } from './fake-twilio.ts';

export const AUTH_TOKEN = 'test-auth-token';
export const PUBLIC_URL = 'https://jifen.example.org';
export const EXAMPLE_VILLAGE = path.resolve(import.meta.dirname, '../../example/fangniuping.yaml');

/** People of the bundled example village the tests talk as. */
export const people = {
  wangLanying: '+8613900020003', // FNP-003, prefers SMS
  chenChangjiang: '+8613900020002', // FNP-002
  wangZhiqiang: '+8613900020023', // FNP-023, the household of cadre 王建国
  liuFang: '+8613900010001', // 综合专干, approves
  wangJianguo: '+8613900010002', // 书记, approves, lives in FNP-023
  zhangMing: '+8613900010003', // 主任, approves
  ranDebing: '+8613900010004', // supermarket keeper, cannot approve
  stranger: '+8613911112222',
};

export interface Harness {
  context: Context;
  app: FastifyInstance;
  twilioApi: FakeTwilio;
  config: Config;
  /** Posts a correctly signed Twilio Messaging webhook, as Twilio would. */
  sms(from: string, body: string, extra?: Record<string, string>): Promise<{ status: number; body: string; sid: string }>;
  /**
   * An SMS received at a given instant: the webhook's own normalization and storage with the clock
   * given, so a test about days and weeks does not depend on when it runs.
   */
  smsAt(at: Date, from: string, body: string): Promise<{ sid: string }>;
  /** Resolves once `probe` returns a value other than undefined/false; fails after a deadline. */
  waitFor<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs?: number): Promise<T>;
  /** Texts jifen recorded for an address, oldest first. */
  outbox(address: string): Promise<string[]>;
  startWorkers(): Promise<RunningWorkers>;
  close(): Promise<void>;
}

let sidCounter = 0;
export const nextSid = () => `SM${process.pid}${Date.now()}${++sidCounter}`.padEnd(34, '0').slice(0, 34);

export function signedForm(url: string, form: Record<string, string>) {
  return { signature: twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, form), payload: new URLSearchParams(form).toString() };
}

/** A whole jifen on the test backend: database, queues, workers, HTTP app and a fake Twilio API. */
export async function startJifen(options: { workers?: boolean; config?: Partial<Config>; log?: Logger } = {}): Promise<Harness> {
  const twilioApi = await new FakeTwilio().start();
  const database: TestDatabase = await createTestDatabase({
    publicUrl: PUBLIC_URL, jobLockMs: 2_000, workerConcurrency: 8, reviewFollowUpEveryMs: 1_000,
    twilio: { accountSid: 'ACtest', authToken: AUTH_TOKEN, fromNumber: '+8613900009999', apiBaseUrl: twilioApi.url },
    ...options.config,
  });
  const context = await createContext(database.config, { log: options.log ?? createLogger(process.env.TEST_LOG_LEVEL ?? 'silent') });
  await importVillage(context.db, await readVillageFile(EXAMPLE_VILLAGE));
  const app = await buildApp(context);
  const running: RunningWorkers[] = [];
  const harness: Harness = {
    context, app, twilioApi, config: database.config,
    async sms(from, body, extra = {}) {
      const sid = extra.MessageSid ?? nextSid();
      const form = { MessageSid: sid, AccountSid: 'ACtest', From: from, To: '+8613900009999', Body: body, NumMedia: '0', ...extra };
      const { signature, payload } = signedForm(`${PUBLIC_URL}/channels/twilio/sms`, form);
      const response = await app.inject({
        method: 'POST', url: '/channels/twilio/sms', payload,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      });
      return { status: response.statusCode, body: response.body, sid };
    },
    async smsAt(at, from, body) {
      const sid = nextSid();
      await acceptInbound(context, normalizeSms({ MessageSid: sid, AccountSid: 'ACtest', From: from, To: '+8613900009999', Body: body, NumMedia: '0' }, at));
      return { sid };
    },
    async waitFor(probe, what, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = await probe();
        if (value !== undefined && value !== false) return value as never;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async outbox(address) {
      const rows = await context.db.select({ text: outboundMessages.text }).from(outboundMessages)
        .where(eq(outboundMessages.address, address)).orderBy(outboundMessages.id);
      return rows.map((row) => row.text);
    },
    async startWorkers() {
      const workers = startWorkers(context);
      await workers.ready();
      running.push(workers);
      return workers;
    },
    async close() {
      await app.close();
      for (const workers of running) await workers.close();
      await closeContext(context);
      await database.drop();
      await twilioApi.stop();
    },
  };
  if (options.workers !== false) await harness.startWorkers();
  return harness;
}

/** The latest inbound message from an address, for assertions on its outcome. */
export async function lastInbound(context: Context, from: string) {
  const [row] = await context.db.select().from(inboundMessages).where(eq(inboundMessages.sender, from)).orderBy(desc(inboundMessages.id)).limit(1);
  return row;
}

/** Waits for the `count`th review request a cadre receives and returns the claim reference in it. */
export async function referenceSentTo(jifen: Harness, cadre: string, count = 1): Promise<number> {
  const requests = await jifen.waitFor(async () => {
    const texts = (await jifen.outbox(cadre)).filter((t) => t.startsWith('【'));
    return texts.length >= count && texts;
  }, `review request ${count} to ${cadre}`);
  return Number(/待审 (\d{4})/.exec(requests[count - 1]!)![1]);
}
