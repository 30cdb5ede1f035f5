import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import type { Attachment, OutboundStatus } from '../../src/db/schema/messages.ts';
import { inboundMessages, outboundMessages } from '../../src/db/schema/index.ts';
import { testBackend } from '../support/backend.ts';
import { AUTH_TOKEN, PUBLIC_URL, signedForm, startJifen, type Harness } from '../support/jifen.ts';

/** A payload exactly as Twilio posts it (test/fixtures/twilio/<name>.json). */
function fixture(name: string): Record<string, string> {
  return JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../fixtures/twilio', `${name}.json`), 'utf8')) as Record<string, string>;
}

function without(form: Record<string, string>, ...keys: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(form).filter(([key]) => !keys.includes(key)));
}

/** A well-formed SID of its own for every row, so rows never see each other's messages. */
const sidFor = (label: string, prefix = 'SM') => `${prefix}${createHash('md5').update(label).digest('hex')}`;

/** The same payload under another message SID (Twilio repeats it in SmsSid and SmsMessageSid). */
function withSid(form: Record<string, string>, sid: string): Record<string, string> {
  const copy = { ...form };
  for (const key of ['MessageSid', 'SmsSid', 'SmsMessageSid']) if (key in copy) copy[key] = sid;
  return copy;
}

const SMS_PATH = '/channels/twilio/sms';
const STATUS_PATH = '/channels/twilio/status';
const FORM = 'application/x-www-form-urlencoded';
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';
const BODY_LIMIT = 128 * 1024;
const MMS_BASE = 'https://api.twilio.com/2010-04-01/Accounts/AC3933dc8a635ed33aa040a0cd8b56fea3/Messages/MM3bfb30c792f136f1217a1d4f1c4b6a81/Media';
const LONG_TEXT = '积分制让村里更干净'.repeat(556).slice(0, 5000);

/**
 * How a row's request is signed: 'valid' as Twilio signs it (AUTH_TOKEN, PUBLIC_URL + path, the posted form),
 * 'missing' without the header, { header } a literal header, or a valid signature over something else.
 */
type Signing = 'valid' | 'missing' | { header: string } | { token?: string; url?: string; form?: Record<string, string> };

function signatureFor(signing: Signing, requestPath: string, form: Record<string, string>): string | undefined {
  if (signing === 'missing') return undefined;
  if (signing === 'valid') return signedForm(`${PUBLIC_URL}${requestPath}`, form).signature;
  if ('header' in signing) return signing.header;
  return twilio.getExpectedTwilioSignature(signing.token ?? AUTH_TOKEN, signing.url ?? `${PUBLIC_URL}${requestPath}`, signing.form ?? form);
}

interface Post {
  path: string;
  form: Record<string, string>;
  signing: Signing;
  contentType?: string | null;
  /** The bytes on the wire when they are not the form-encoded form (JSON, text, nothing). */
  payload?: string | null;
}

async function post(jifen: Harness, request: Post) {
  const signature = signatureFor(request.signing, request.path, request.form);
  const contentType = request.contentType === undefined ? FORM : request.contentType;
  const payload = request.payload === undefined ? new URLSearchParams(request.form).toString() : request.payload;
  const headers: Record<string, string> = {};
  if (contentType !== null) headers['content-type'] = contentType;
  if (signature !== undefined) headers['x-twilio-signature'] = signature;
  return jifen.app.inject({ method: 'POST', url: request.path, headers, ...(payload === null ? {} : { payload }) });
}

/** A copy of `form` whose form-encoded payload is exactly `bytes` long (padded in Body with ASCII). */
function formOfSize(form: Record<string, string>, bytes: number): Record<string, string> {
  const base = new URLSearchParams({ ...form, Body: '' }).toString().length;
  return { ...form, Body: 'a'.repeat(bytes - base) };
}

const refusedSignature = { status: 403, json: { error: 'invalid Twilio signature' } } as const;

interface InboundRow {
  label: string;
  form: Record<string, string>;
  path?: string;
  signing?: Signing;
  contentType?: string | null;
  payload?: string | null;
  reply: { status: number; twiml?: true; json?: Record<string, unknown> };
  /** What inbound_messages holds for the form's SID afterwards; null: nothing was stored at all. */
  stored: { externalId: string; sender: string; text: string; attachments: Attachment[] } | null;
  /** Production does not do this yet: the row is expected to fail until the bug is fixed (see the note). */
}

const chinese = fixture('sms-chinese');
const mms = fixture('mms-two-media');
const atLimit = formOfSize(withSid(chinese, sidFor('at-limit')), BODY_LIMIT);

const inboundRows: InboundRow[] = [
  {
    label: 'plain Chinese SMS from a registered villager',
    form: chinese,
    reply: { status: 200, twiml: true },
    stored: { externalId: 'SM32728b9c8af1e34a2f7929dd07bef0c9', sender: '+8613900020003', text: '今天把院坝扫干净了', attachments: [] },
  },
  {
    label: 'MMS with two media',
    form: mms,
    reply: { status: 200, twiml: true },
    stored: {
      externalId: 'MM3bfb30c792f136f1217a1d4f1c4b6a81', sender: '+8613900020003', text: '垃圾分类，照片两张',
      attachments: [
        { url: `${MMS_BASE}/ME1c9602a9b83cf5a4289918bddceb6c4d`, contentType: 'image/jpeg' },
        { url: `${MMS_BASE}/MEbd110058f73cdaef43be71807d17529d`, contentType: 'image/png' },
      ],
    },
  },
  {
    label: 'emoji-only body',
    form: fixture('sms-emoji'),
    reply: { status: 200, twiml: true },
    stored: { externalId: 'SMcf52497622b796c1efdf11a2f9484eaf', sender: '+8613900020003', text: '👍🧹🏡✨', attachments: [] },
  },
  {
    label: 'empty body',
    form: fixture('sms-empty-body'),
    reply: { status: 200, twiml: true },
    stored: { externalId: 'SM06c85e47ee899532505e089c41228955', sender: '+8613900020003', text: '', attachments: [] },
  },
  {
    label: 'form-encoding specials (+ & = % ? newline) in the body',
    form: fixture('sms-special-characters'),
    reply: { status: 200, twiml: true },
    stored: { externalId: 'SMf12eb9578b4f529763b1afc2eae8bc1d', sender: '+8613900020002', text: '扫院坝 +2分 & 捡垃圾 100% = 好?\n第二行；a=b&c', attachments: [] },
  },
  {
    label: 'a body of 5,000 Chinese characters (~45 kB form-encoded)',
    form: { ...withSid(chinese, sidFor('long')), Body: LONG_TEXT, NumSegments: '75' },
    reply: { status: 200, twiml: true },
    stored: { externalId: sidFor('long'), sender: '+8613900020003', text: LONG_TEXT, attachments: [] },
  },
  {
    label: 'legacy payload with SmsSid only',
    form: fixture('sms-legacy-smssid-only'),
    reply: { status: 200, twiml: true },
    stored: { externalId: 'SM3aed25fbc10b08a614c1acce9f100bf7', sender: '+8613900020002', text: '旧版接口的短信', attachments: [] },
  },
  {
    label: 'content type with a charset parameter',
    form: withSid(chinese, sidFor('charset')),
    contentType: `${FORM}; charset=UTF-8`,
    reply: { status: 200, twiml: true },
    stored: { externalId: sidFor('charset'), sender: '+8613900020003', text: '今天把院坝扫干净了', attachments: [] },
  },
  {
    label: 'signature over the URL with the explicit default port :443',
    form: withSid(chinese, sidFor('port')),
    signing: { url: `https://jifen.example.org:443${SMS_PATH}` },
    reply: { status: 200, twiml: true },
    stored: { externalId: sidFor('port'), sender: '+8613900020003', text: '今天把院坝扫干净了', attachments: [] },
  },
  {
    label: 'webhook configured with a query string, signed with it',
    form: withSid(chinese, sidFor('query')),
    path: `${SMS_PATH}?village=fangniuping`,
    reply: { status: 200, twiml: true },
    stored: { externalId: sidFor('query'), sender: '+8613900020003', text: '今天把院坝扫干净了', attachments: [] },
  },
  {
    label: 'a body of exactly 128 kB is accepted',
    form: atLimit,
    reply: { status: 200, twiml: true },
    stored: { externalId: sidFor('at-limit'), sender: '+8613900020003', text: atLimit.Body!, attachments: [] },
  },
  // Refused: nothing may be stored.
  { label: 'no signature header', form: withSid(chinese, sidFor('missing-sig')), signing: 'missing', reply: refusedSignature, stored: null },
  { label: 'empty signature header', form: withSid(chinese, sidFor('empty-sig')), signing: { header: '' }, reply: refusedSignature, stored: null },
  { label: 'garbage signature header', form: withSid(chinese, sidFor('garbage-sig')), signing: { header: 'bm90IGEgc2lnbmF0dXJl' }, reply: refusedSignature, stored: null },
  { label: 'signed with another auth token', form: withSid(chinese, sidFor('other-token')), signing: { token: 'another-auth-token' }, reply: refusedSignature, stored: null },
  {
    label: 'signature over a different body (tampered Body)',
    form: withSid(chinese, sidFor('tampered')),
    signing: { form: { ...withSid(chinese, sidFor('tampered')), Body: '今天捐款一万元' } },
    reply: refusedSignature,
    stored: null,
  },
  {
    label: 'signature computed for a different URL (the status callback)',
    form: withSid(chinese, sidFor('other-url')),
    signing: { url: `${PUBLIC_URL}${STATUS_PATH}` },
    reply: refusedSignature,
    stored: null,
  },
  {
    label: 'signature computed for http:// instead of https://',
    form: withSid(chinese, sidFor('http')),
    signing: { url: `http://jifen.example.org${SMS_PATH}` },
    reply: refusedSignature,
    stored: null,
  },
  {
    label: 'signature computed for another host',
    form: withSid(chinese, sidFor('host')),
    signing: { url: `https://evil.example.org${SMS_PATH}` },
    reply: refusedSignature,
    stored: null,
  },
  {
    label: 'signature computed without the query string the request carries',
    form: withSid(chinese, sidFor('query-missing')),
    path: `${SMS_PATH}?village=fangniuping`,
    signing: { url: `${PUBLIC_URL}${SMS_PATH}` },
    reply: refusedSignature,
    stored: null,
  },
  {
    label: 'missing From',
    form: fixture('sms-missing-from'),
    reply: { status: 400, json: { error: 'From is missing' } },
    stored: null,
  },
  {
    label: 'missing MessageSid',
    form: fixture('sms-missing-message-sid'),
    reply: { status: 400, json: { error: 'MessageSid is missing' } },
    stored: null,
  },
  {
    label: 'a body of 128 kB + 1 byte is too large',
    form: formOfSize(withSid(chinese, sidFor('over-limit')), BODY_LIMIT + 1),
    reply: { status: 413, json: { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' } },
    stored: null,
  },
  {
    label: 'a body of 15,000 Chinese characters (~135 kB) is too large',
    form: { ...withSid(chinese, sidFor('huge')), Body: '积'.repeat(15_000) },
    reply: { status: 413, json: { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' } },
    stored: null,
  },
  {
    label: 'text/xml content type',
    form: withSid(chinese, sidFor('xml')),
    contentType: 'text/xml',
    payload: '<Message><Body>今天把院坝扫干净了</Body></Message>',
    reply: { status: 415, json: { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' } },
    stored: null,
  },
  {
    label: 'multipart/form-data content type',
    form: withSid(chinese, sidFor('multipart')),
    contentType: 'multipart/form-data; boundary=x',
    payload: '--x\r\nContent-Disposition: form-data; name="Body"\r\n\r\n今天\r\n--x--\r\n',
    reply: { status: 415, json: { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' } },
    stored: null,
  },
  {
    label: 'application/json content type, even with a signature over the same fields',
    form: withSid(chinese, sidFor('json')),
    contentType: 'application/json',
    payload: JSON.stringify(withSid(chinese, sidFor('json'))),
    reply: { status: 415, json: { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' } },
    stored: null,
  },
  {
    label: 'text/plain content type',
    form: withSid(chinese, sidFor('text')),
    contentType: 'text/plain',
    payload: new URLSearchParams(withSid(chinese, sidFor('text'))).toString(),
    reply: { status: 415, json: { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' } },
    stored: null,
  },
  {
    label: 'a signed POST with no body and no content type',
    form: {},
    contentType: null,
    payload: null,
    reply: { status: 400, json: { error: 'MessageSid is missing' } },
    stored: null,
  },
];

async function inboundCount(jifen: Harness): Promise<number> {
  const [row] = await jifen.context.db.select({ n: count() }).from(inboundMessages);
  return row!.n;
}

async function inboundBySid(jifen: Harness, externalId: string) {
  return jifen.context.db.select().from(inboundMessages).where(eq(inboundMessages.externalId, externalId));
}

describe(`Twilio webhooks through the HTTP app (${testBackend})`, () => {
  let jifen: Harness;
  beforeAll(async () => { jifen = await startJifen({ workers: false }); });
  afterAll(async () => { await jifen?.close(); });

  describe('inbound SMS', () => {
    for (const row of inboundRows) {
      const test = it;
      const name = `${row.label} → ${row.reply.status}`;
      test(name, async () => {
        const requestPath = row.path ?? SMS_PATH;
        const sid = row.form.MessageSid ?? row.form.SmsSid;
        const before = await inboundCount(jifen);
        const postedAt = Date.now();
        const response = await post(jifen, {
          path: requestPath, form: row.form, signing: row.signing ?? 'valid', contentType: row.contentType, payload: row.payload,
        });

        expect(response.statusCode).toBe(row.reply.status);
        if (row.reply.twiml) {
          expect(response.headers['content-type']).toMatch(/^text\/xml/);
          expect(response.body).toBe(EMPTY_TWIML);
        }
        if (row.reply.json) expect(response.json()).toMatchObject(row.reply.json);

        if (row.stored === null) {
          expect(await inboundCount(jifen)).toBe(before);
          if (sid) expect(await inboundBySid(jifen, sid)).toEqual([]);
          return;
        }
        expect(await inboundCount(jifen)).toBe(before + 1);
        const rows = await inboundBySid(jifen, row.stored.externalId);
        expect(rows).toHaveLength(1);
        const stored = rows[0]!;
        expect({ channel: stored.channel, externalId: stored.externalId, sender: stored.sender, text: stored.text, attachments: stored.attachments })
          .toEqual({ channel: 'sms', ...row.stored });
        expect(stored.raw).toEqual(row.form);
        expect(stored.receivedAt.getTime()).toBeGreaterThanOrEqual(postedAt - 1_000);
        expect(stored.receivedAt.getTime()).toBeLessThanOrEqual(Date.now() + 1_000);
        // Stored and handed to intake, not yet processed (no workers run in this suite).
        expect(stored.queuedAt).toBeInstanceOf(Date);
        expect(stored.processedAt).toBeNull();
        expect(stored.outcome).toBeNull();
      });
    }

    it('the size rows bracket the limit exactly', () => {
      const at = inboundRows.find((r) => r.label.startsWith('a body of exactly 128 kB'))!;
      const over = inboundRows.find((r) => r.label.startsWith('a body of 128 kB + 1 byte'))!;
      expect(Buffer.byteLength(new URLSearchParams(at.form).toString())).toBe(BODY_LIMIT);
      expect(Buffer.byteLength(new URLSearchParams(over.form).toString())).toBe(BODY_LIMIT + 1);
    });

    it('a duplicate delivery of the same MessageSid stores one row', async () => {
      const form = { ...withSid(chinese, sidFor('duplicate')), Body: '重复投递' };
      const before = await inboundCount(jifen);
      const first = await post(jifen, { path: SMS_PATH, form, signing: 'valid' });
      const second = await post(jifen, { path: SMS_PATH, form, signing: 'valid' });
      // A retry with the same SID but different fields (Twilio never does this) is still the first message.
      const third = await post(jifen, { path: SMS_PATH, form: { ...form, Body: '第三次' }, signing: 'valid' });
      for (const response of [first, second, third]) {
        expect(response.statusCode).toBe(200);
        expect(response.body).toBe(EMPTY_TWIML);
      }
      expect(await inboundCount(jifen)).toBe(before + 1);
      const rows = await inboundBySid(jifen, sidFor('duplicate'));
      expect(rows.map((r) => r.text)).toEqual(['重复投递']);
    });

    it('the same message SID on another channel is another message', async () => {
      // The unique key is (channel, external id): store a WeChat row with the SMS fixture's SID directly.
      const sid = sidFor('cross-channel');
      await jifen.context.db.insert(inboundMessages).values({ channel: 'wechat', externalId: sid, sender: 'wxid_x', text: 'x', raw: {} });
      const response = await post(jifen, { path: SMS_PATH, form: withSid(chinese, sid), signing: 'valid' });
      expect(response.statusCode).toBe(200);
      const rows = await inboundBySid(jifen, sid);
      expect(rows.map((r) => r.channel).sort()).toEqual(['sms', 'wechat']);
    });
  });

  describe('status callbacks', () => {
    async function recordOutbound(providerId: string, status: OutboundStatus, error: string | null = null) {
      const [row] = await jifen.context.db.insert(outboundMessages).values({
        dedupeKey: `status-test-${providerId}`, channel: 'sms', address: '+8613900020003', text: '已入账 +2分，当前余额 2分',
        status, providerId, error, attempts: 1, sentAt: new Date(),
      }).returning();
      return row!;
    }

    async function outbound(id: number) {
      const [row] = await jifen.context.db.select().from(outboundMessages).where(eq(outboundMessages.id, id));
      return { status: row!.status, error: row!.error };
    }

    interface StatusRow {
      label: string;
      /** The outbound message as recorded before the callback. */
      initial: { status: OutboundStatus; error?: string };
      /** The callback Twilio posts for that message (its SID is put in). */
      form: (sid: string) => Record<string, string>;
      path?: string;
      signing?: Signing;
      reply: number | { status: number; json: Record<string, unknown> };
      expected: { status: OutboundStatus; error: string | null };
    }

    const statusRows: StatusRow[] = [
      { label: 'queued changes nothing', initial: { status: 'sent' }, form: (sid) => withSid(fixture('status-queued'), sid), reply: 204, expected: { status: 'sent', error: null } },
      { label: 'sent keeps sent', initial: { status: 'sent' }, form: (sid) => withSid(fixture('status-sent'), sid), reply: 204, expected: { status: 'sent', error: null } },
      { label: 'delivered', initial: { status: 'sent' }, form: (sid) => withSid(fixture('status-delivered'), sid), reply: 204, expected: { status: 'delivered', error: null } },
      {
        label: 'undelivered with ErrorCode 30003 fails the message with the error',
        initial: { status: 'sent' },
        form: (sid) => withSid(fixture('status-undelivered-30003'), sid),
        reply: 204,
        expected: { status: 'failed', error: 'Twilio error 30003' },
      },
      {
        label: 'failed with ErrorCode 30008',
        initial: { status: 'sent' },
        form: (sid) => withSid(fixture('status-failed-30008'), sid),
        reply: 204,
        expected: { status: 'failed', error: 'Twilio error 30008' },
      },
      {
        label: 'undelivered after delivered (carrier correction) fails the message',
        initial: { status: 'delivered' },
        form: (sid) => withSid(fixture('status-undelivered-30003'), sid),
        reply: 204,
        expected: { status: 'failed', error: 'Twilio error 30003' },
      },
      {
        label: 'delivered clears an error left by an earlier retry',
        initial: { status: 'sent', error: 'fake failure 500' },
        form: (sid) => withSid(fixture('status-delivered'), sid),
        reply: 204,
        expected: { status: 'delivered', error: null },
      },
      { label: 'a late sent does not overwrite delivered', initial: { status: 'delivered' }, form: (sid) => withSid(fixture('status-sent'), sid), reply: 204, expected: { status: 'delivered', error: null } },
      {
        label: 'a late sent does not overwrite failed',
        initial: { status: 'failed', error: 'Twilio error 30003' },
        form: (sid) => withSid(fixture('status-sent'), sid),
        reply: 204,
        expected: { status: 'failed', error: 'Twilio error 30003' },
      },
      {
        label: 'a late delivered does not revive failed',
        initial: { status: 'failed', error: 'Twilio error 30003' },
        form: (sid) => withSid(fixture('status-delivered'), sid),
        reply: 204,
        expected: { status: 'failed', error: 'Twilio error 30003' },
      },
      {
        label: 'legacy callback with SmsSid/SmsStatus only',
        initial: { status: 'sent' },
        form: (sid) => without(withSid(fixture('status-delivered'), sid), 'MessageSid', 'MessageStatus'),
        reply: 204,
        expected: { status: 'delivered', error: null },
      },
      {
        label: 'a callback for an unknown message SID changes nothing',
        initial: { status: 'sent' },
        form: () => withSid(fixture('status-delivered'), sidFor('unknown-provider-id')),
        reply: 204,
        expected: { status: 'sent', error: null },
      },
      {
        label: 'missing MessageSid',
        initial: { status: 'sent' },
        form: (sid) => without(withSid(fixture('status-delivered'), sid), 'MessageSid', 'SmsSid'),
        reply: { status: 400, json: { error: 'MessageSid is missing' } },
        expected: { status: 'sent', error: null },
      },
      {
        label: 'no signature',
        initial: { status: 'sent' },
        form: (sid) => withSid(fixture('status-delivered'), sid),
        signing: 'missing',
        reply: { status: 403, json: { error: 'invalid Twilio signature' } },
        expected: { status: 'sent', error: null },
      },
      {
        label: 'bad signature (another auth token)',
        initial: { status: 'sent' },
        form: (sid) => withSid(fixture('status-undelivered-30003'), sid),
        signing: { token: 'another-auth-token' },
        reply: { status: 403, json: { error: 'invalid Twilio signature' } },
        expected: { status: 'sent', error: null },
      },
      {
        label: 'signature computed for the SMS webhook URL',
        initial: { status: 'sent' },
        form: (sid) => withSid(fixture('status-delivered'), sid),
        signing: { url: `${PUBLIC_URL}${SMS_PATH}` },
        reply: { status: 403, json: { error: 'invalid Twilio signature' } },
        expected: { status: 'sent', error: null },
      },
    ];

    for (const row of statusRows) it(`${row.label} → ${typeof row.reply === 'number' ? row.reply : row.reply.status}, ${row.expected.status}`, async () => {
      const sid = sidFor(`status ${row.label}`);
      const recorded = await recordOutbound(sid, row.initial.status, row.initial.error ?? null);
      const response = await post(jifen, { path: row.path ?? STATUS_PATH, form: row.form(sid), signing: row.signing ?? 'valid' });
      const reply = typeof row.reply === 'number' ? { status: row.reply } : row.reply;
      expect(response.statusCode).toBe(reply.status);
      if (reply.status === 204) expect(response.body).toBe('');
      if ('json' in reply) expect(response.json()).toEqual(reply.json);
      expect(await outbound(recorded.id)).toEqual(row.expected);
    });

    it('queued → sent → delivered → late sent: the message ends delivered', async () => {
      const sid = 'SM96e7f3e4890b081dfa112237b08c08f5'; // the SID in the status-* fixtures, as they are
      const recorded = await recordOutbound(sid, 'sent');
      const steps: [string, OutboundStatus][] = [
        ['status-queued', 'sent'], ['status-sent', 'sent'], ['status-delivered', 'delivered'], ['status-sent', 'delivered'],
      ];
      const seen: OutboundStatus[] = [];
      for (const [name] of steps) {
        const response = await post(jifen, { path: STATUS_PATH, form: fixture(name), signing: 'valid' });
        expect(response.statusCode).toBe(204);
        seen.push((await outbound(recorded.id)).status);
      }
      expect(seen).toEqual(steps.map(([, status]) => status));
      expect(await outbound(recorded.id)).toEqual({ status: 'delivered', error: null });
    });

    it('a status callback stores no inbound message', async () => {
      const before = await inboundCount(jifen);
      const sid = sidFor('status-no-inbound');
      await recordOutbound(sid, 'sent');
      const response = await post(jifen, { path: STATUS_PATH, form: withSid(fixture('status-delivered'), sid), signing: 'valid' });
      expect(response.statusCode).toBe(204);
      expect(await inboundCount(jifen)).toBe(before);
      expect(await inboundBySid(jifen, sid)).toEqual([]);
    });
  });
});
