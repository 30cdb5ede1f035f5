import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, ne } from 'drizzle-orm';
import { outboundMessages } from '../../src/db/schema/index.ts';
import type { OutboundStatus } from '../../src/db/schema/messages.ts';
import { queueMessages, type MessageToSend } from '../../src/messages/outbound.ts';
import { testBackend } from '../support/backend.ts';
import { AUTH_TOKEN, PUBLIC_URL, people, signedForm, startJifen, type Harness } from '../support/jifen.ts';

const FROM_NUMBER = '+8613900009999';
const STATUS_CALLBACK = `${PUBLIC_URL}/channels/twilio/status`;
const MESSAGES_PATH = '/2010-04-01/Accounts/ACtest/Messages.json';

/** The SID FakeTwilio answers its n-th accepted message with (1-based; refused requests get none). */
const fakeSid = (n: number) => `SM${String(n).padStart(32, '0')}`;

async function outboundRow(jifen: Harness, dedupeKey: string) {
  const [row] = await jifen.context.db.select().from(outboundMessages).where(eq(outboundMessages.dedupeKey, dedupeKey));
  return row;
}

/** Waits until the message has left 'pending' and returns its row. */
async function settled(jifen: Harness, dedupeKey: string, timeoutMs?: number) {
  return jifen.waitFor(async () => {
    const row = await outboundRow(jifen, dedupeKey);
    return row && row.status !== 'pending' && row;
  }, `outbound ${dedupeKey} to settle`, timeoutMs);
}

/** Waits until the outbound queue holds no job that could still run (so "never retried" is a fact, not a hope). */
async function outboundQueueIdle(jifen: Harness) {
  return jifen.waitFor(async () => {
    const counts = await jifen.context.jobs.outbound.sms.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed', 'completed');
    const busy = (counts.waiting ?? 0) + (counts.active ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0) + (counts['waiting-children'] ?? 0);
    return busy === 0 && counts;
  }, 'outbound queue to be idle');
}

interface OutboundRow {
  label: string;
  message: Omit<MessageToSend, 'channel'>;
  /** FakeTwilio's answers before it accepts: failNext(status, times). */
  failures?: { status: number; times: number };
  /** The wait allowed for BullMQ's exponential backoff (1 s, 2 s, …). */
  timeoutMs?: number;
  expected: {
    status: OutboundStatus;
    attempts: number;
    error: string | null;
    /** Whether Twilio accepted it (and so holds exactly one request for it). */
    accepted: boolean;
  };
}

const rows: OutboundRow[] = [
  {
    label: 'success: handed to Twilio once, sent with the provider SID',
    message: { dedupeKey: 'twilio-outbound-success', address: people.wangLanying, text: '已入账 +2分，当前余额 2分' },
    expected: { status: 'sent', attempts: 1, error: null, accepted: true },
  },
  {
    label: 'two 500s then success: retried with backoff, ends sent',
    message: { dedupeKey: 'twilio-outbound-retry', address: people.chenChangjiang, text: '已收到：庭院卫生整洁 +2分，编号0042，待村干部审核' },
    failures: { status: 500, times: 2 },
    timeoutMs: 15_000,
    expected: { status: 'sent', attempts: 3, error: null, accepted: true },
  },
  {
    label: 'a 429 (rate limited) is passing trouble: retried, ends sent',
    message: { dedupeKey: 'twilio-outbound-429', address: people.liuFang, text: '【放牛坪村积分】待审 0043' },
    failures: { status: 429, times: 1 },
    timeoutMs: 15_000,
    expected: { status: 'sent', attempts: 2, error: null, accepted: true },
  },
  {
    label: '400 (invalid number): failed for good with the error, one attempt',
    message: { dedupeKey: 'twilio-outbound-refused', address: '+86000', text: '这条发不出去' },
    failures: { status: 400, times: 1 },
    expected: { status: 'failed', attempts: 1, error: 'Twilio refused the message: fake failure 400', accepted: false },
  },
  {
    label: 'a village sender on the message does not override TWILIO_FROM_NUMBER',
    message: { dedupeKey: 'twilio-outbound-sender', address: people.zhangMing, text: '本周积分公示', sender: '+8613900008888' },
    expected: { status: 'sent', attempts: 1, error: null, accepted: true },
  },
  {
    label: 'a 5,000-character Chinese text is handed over whole',
    message: { dedupeKey: 'twilio-outbound-long', address: people.wangZhiqiang, text: '积分制让村里更干净'.repeat(556).slice(0, 5000) },
    expected: { status: 'sent', attempts: 1, error: null, accepted: true },
  },
];

describe(`outbound SMS through the Twilio SDK (${testBackend})`, () => {
  let jifen: Harness;
  beforeAll(async () => { jifen = await startJifen(); });
  afterAll(async () => { await jifen?.close(); });

  it('has credentials: the SMS adapter is not a dry run', () => {
    expect(jifen.context.channels.sender('sms')!.dryRun).toBe(false);
  });

  // Rows run one after another: FakeTwilio's failNext applies to whatever request comes next.
  for (const row of rows) {
    it(`${row.label} → ${row.expected.status}`, async () => {
      const acceptedBefore = jifen.twilioApi.messages.length;
      if (row.failures) jifen.twilioApi.failNext(row.failures.status, row.failures.times);
      await queueMessages(jifen.context, [{ channel: 'sms', ...row.message }]);

      const settledRow = await settled(jifen, row.message.dedupeKey, row.timeoutMs);
      expect(settledRow.status).toBe(row.expected.status);
      await outboundQueueIdle(jifen);
      const final = (await outboundRow(jifen, row.message.dedupeKey))!;
      expect(final.status).toBe(row.expected.status);
      expect(final.attempts).toBe(row.expected.attempts);
      expect(final.error).toBe(row.expected.error);
      expect(final.address).toBe(row.message.address);

      const handedOver = jifen.twilioApi.messages.slice(acceptedBefore);
      if (!row.expected.accepted) {
        expect(handedOver).toEqual([]);
        expect(final.providerId).toBeNull();
        expect(final.sentAt).toBeNull();
        return;
      }
      expect(handedOver).toEqual([{ To: row.message.address, From: FROM_NUMBER, Body: row.message.text, StatusCallback: STATUS_CALLBACK }]);
      expect(jifen.twilioApi.requests.at(-1)!).toMatchObject({ method: 'POST', path: MESSAGES_PATH, credentials: `ACtest:${AUTH_TOKEN}` });
      expect(final.providerId).toBe(fakeSid(acceptedBefore + 1));
      expect(final.sentAt).toBeInstanceOf(Date);
    });
  }

  it('the 400 row was never retried: its job failed for good', async () => {
    const counts = await outboundQueueIdle(jifen);
    // Only the refused message's job ended failed; the retried ones completed.
    expect(counts.failed).toBe(1);
    expect((await outboundRow(jifen, 'twilio-outbound-refused'))!.attempts).toBe(1);
  });

  it('queueing the same dedupe key again sends nothing more', async () => {
    const before = jifen.twilioApi.requests.length;
    const message = { channel: 'sms', ...rows[0]!.message };
    await queueMessages(jifen.context, [message]);
    await queueMessages(jifen.context, [message, message]);
    await outboundQueueIdle(jifen);
    expect(jifen.twilioApi.requests.length).toBe(before);
    const copies = await jifen.context.db.select().from(outboundMessages).where(eq(outboundMessages.dedupeKey, message.dedupeKey));
    expect(copies.map((c) => [c.status, c.attempts])).toEqual([['sent', 1]]);
  });

  it('two new messages queued together, each once', async () => {
    const before = jifen.twilioApi.messages.length;
    const batch: MessageToSend[] = [
      { dedupeKey: 'twilio-outbound-batch-a', channel: 'sms', address: people.wangLanying, text: '批量一' },
      { dedupeKey: 'twilio-outbound-batch-b', channel: 'sms', address: people.chenChangjiang, text: '批量二' },
    ];
    await queueMessages(jifen.context, [...batch, batch[0]!]);
    for (const m of batch) expect((await settled(jifen, m.dedupeKey)).status).toBe('sent');
    await outboundQueueIdle(jifen);
    const handedOver = jifen.twilioApi.messages.slice(before);
    expect(handedOver.map((m) => [m.To, m.Body]).sort()).toEqual([[people.chenChangjiang, '批量二'], [people.wangLanying, '批量一']]);
    const providerIds = await Promise.all(batch.map(async (m) => (await outboundRow(jifen, m.dedupeKey))!.providerId));
    expect(providerIds.sort()).toEqual([fakeSid(before + 1), fakeSid(before + 2)]);
  });

  it("Twilio's delivered callback to the StatusCallback it was given marks the message delivered", async () => {
    const sent = (await outboundRow(jifen, 'twilio-outbound-success'))!;
    const [request] = jifen.twilioApi.messages.filter((m) => m.Body === sent.text && m.To === sent.address);
    const callbackUrl = request!.StatusCallback!;
    const fixture = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../fixtures/twilio/status-delivered.json'), 'utf8')) as Record<string, string>;
    const form = { ...fixture, MessageSid: sent.providerId!, SmsSid: sent.providerId!, AccountSid: 'ACtest', To: sent.address, From: FROM_NUMBER };
    const { signature, payload } = signedForm(callbackUrl, form);
    const response = await jifen.app.inject({
      method: 'POST', url: new URL(callbackUrl).pathname, payload,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    });
    expect(response.statusCode).toBe(204);
    const after = (await outboundRow(jifen, 'twilio-outbound-success'))!;
    expect([after.status, after.error]).toEqual(['delivered', null]);
  });
});

describe(`outbound SMS without Twilio credentials is a dry run (${testBackend})`, () => {
  let jifen: Harness;
  beforeAll(async () => {
    jifen = await startJifen({ config: { twilio: { authToken: AUTH_TOKEN, accountSid: undefined, fromNumber: undefined, apiBaseUrl: undefined } } });
  });
  afterAll(async () => { await jifen?.close(); });

  it('the SMS adapter reports a dry run', () => {
    expect(jifen.context.channels.sender('sms')!.dryRun).toBe(true);
  });

  it('the message is recorded as dry_run and nothing reaches Twilio', async () => {
    const text = '已入账 +2分，当前余额 2分';
    await queueMessages(jifen.context, [{ dedupeKey: 'twilio-dry-run', channel: 'sms', address: people.wangLanying, text }]);
    const row = await settled(jifen, 'twilio-dry-run');
    await outboundQueueIdle(jifen);
    const final = (await outboundRow(jifen, 'twilio-dry-run'))!;
    expect({ status: final.status, attempts: final.attempts, providerId: final.providerId, error: final.error, sentAt: final.sentAt, text: final.text })
      .toEqual({ status: 'dry_run', attempts: 1, providerId: null, error: null, sentAt: null, text });
    expect(row.status).toBe('dry_run');
    expect(jifen.twilioApi.requests).toEqual([]);
  });

  it('the auth token alone still guards the webhooks, and the reply to a claim is a dry run too', async () => {
    const response = await jifen.sms(people.wangLanying, '今天把院坝扫干净了');
    expect(response.status).toBe(200);
    const ack = await jifen.waitFor(async () => {
      const [row] = await jifen.context.db.select().from(outboundMessages)
        .where(and(eq(outboundMessages.address, people.wangLanying), ne(outboundMessages.dedupeKey, 'twilio-dry-run')));
      return row && row.status !== 'pending' && row;
    }, 'the claim acknowledgement');
    expect(ack.status).toBe('dry_run');
    expect(ack.text).toMatch(/^已收到：庭院卫生整洁 \+2分，编号\d{4}，待村干部审核$/);
    await outboundQueueIdle(jifen);
    expect(jifen.twilioApi.requests).toEqual([]);

    const refused = await jifen.app.inject({
      method: 'POST', url: '/channels/twilio/sms', payload: 'From=%2B8613900020003&Body=x&MessageSid=SM00000000000000000000000000000001',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(refused.statusCode).toBe(403);
  });
});
