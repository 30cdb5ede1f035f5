import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ANDROID_SMS_CLOUD_URL, androidSms, androidSmsSettings, type AndroidSmsSettings } from '../../../channels/android-sms/index.ts';
import { androidSmsRoutes, BODY_LIMIT } from '../../../channels/android-sms/routes.ts';
import { PermanentSendError, type ChannelHost, type DeliveryStatus, type NormalizedInbound } from '../../../channels/types.ts';
import { expectReceivedAt, mountRoutes, recordingHost } from '../../support/channel-app.ts';
import { FakeAndroidGateway, type FakeGatewayReply } from '../../support/fake-android-gateway.ts';

/** A webhook body exactly as the app posts it (test/fixtures/android-sms/<name>.json), as text. */
const fixture = (name: string) => readFileSync(path.resolve(import.meta.dirname, '../../fixtures/android-sms', `${name}.json`), 'utf8');
const event = (name: string) => JSON.parse(fixture(name)) as { event: string; id?: string; payload: Record<string, unknown>; [key: string]: unknown };

const KEY = 'h7Kq2mV9xR4tB8nC';
const USER = 'QWERTY';
const PASSWORD = 'lxkvwa6aqv8wb4';
/** 2026-03-12 09:25:03 in Beijing: when the fixtures' first SMS arrived. */
const NOW = Date.parse('2026-03-12T01:25:03.500Z');
const NOW_S = Math.floor(NOW / 1000);
const URL_PATH = '/channels/android-sms/webhook';

/** What the app computes: hex HMAC-SHA256 of the body as sent followed by the X-Timestamp text. */
const sign = (body: string, timestamp: string | number, key = KEY) => createHmac('sha256', key).update(body + String(timestamp)).digest('hex');
const signed = (body: string, timestamp: string | number = NOW_S, key = KEY) => ({ 'x-signature': sign(body, timestamp, key), 'x-timestamp': String(timestamp) });

async function mount(options: { signingKey?: string; now?: number; host?: ChannelHost } = {}) {
  const recording = recordingHost();
  const signingKey = 'signingKey' in options ? options.signingKey : KEY;
  const routes = androidSmsRoutes({ signingKey, now: () => options.now ?? NOW });
  return { ...await mountRoutes(routes, '/channels/android-sms', options.host ?? recording.host), ...recording };
}

const post = (app: FastifyInstance, body: string, headers: Record<string, string | string[]>, contentType: string | null = 'application/json') =>
  app.inject({ method: 'POST', url: URL_PATH, payload: body, headers: { ...(contentType === null ? {} : { 'content-type': contentType }), ...headers } });

describe('android sms: webhook signatures', () => {
  const body = fixture('sms-received');
  const rows: { label: string; body?: string; headers: () => Record<string, string | string[]>; signingKey?: string; status: number; error?: string }[] = [
    { label: 'signed with the signing key', headers: () => signed(body), status: 204 },
    { label: 'the signature in upper-case hex', headers: () => ({ ...signed(body), 'x-signature': sign(body, NOW_S).toUpperCase() }), status: 204 },
    { label: 'signed with another key', headers: () => signed(body, NOW_S, 'another-key'), status: 403, error: 'invalid X-Signature' },
    { label: 'the body changed after signing', body: body.replace('院坝', '院子'), headers: () => signed(body), status: 403, error: 'invalid X-Signature' },
    {
      label: 'signed over the parsed and re-serialized JSON, not the bytes sent', headers: () => signed(JSON.stringify(JSON.parse(body))),
      status: 403, error: 'invalid X-Signature',
    },
    { label: 'the body alone signed, without the timestamp', headers: () => ({ ...signed(body), 'x-signature': sign(body, '') }), status: 403, error: 'invalid X-Signature' },
    { label: 'another (fresh) timestamp than the one signed', headers: () => ({ ...signed(body), 'x-timestamp': String(NOW_S - 1) }), status: 403, error: 'invalid X-Signature' },
    { label: 'a signature that is not hex', headers: () => ({ ...signed(body), 'x-signature': 'z'.repeat(64) }), status: 403, error: 'invalid X-Signature' },
    { label: 'a signature cut short', headers: () => ({ ...signed(body), 'x-signature': sign(body, NOW_S).slice(0, 62) }), status: 403, error: 'invalid X-Signature' },
    { label: 'the signature given twice', headers: () => ({ ...signed(body), 'x-signature': [sign(body, NOW_S), sign(body, NOW_S)] }), status: 403, error: 'invalid X-Signature' },
    { label: 'no X-Signature', headers: () => ({ 'x-timestamp': String(NOW_S) }), status: 403, error: 'X-Signature is missing' },
    { label: 'no X-Timestamp', headers: () => ({ 'x-signature': sign(body, '') }), status: 403, error: 'X-Timestamp is missing or not Unix seconds' },
    { label: 'an X-Timestamp that is a date', headers: () => signed(body, '2026-03-12T01:25:03Z'), status: 403, error: 'X-Timestamp is missing or not Unix seconds' },
    { label: 'an X-Timestamp in milliseconds', headers: () => signed(body, NOW), status: 403, error: 'X-Timestamp is more than 5 minutes away' },
    { label: 'signed 5 minutes ago', headers: () => signed(body, NOW_S - 300), status: 204 },
    { label: 'signed 5 minutes and 1 second ago (a replay)', headers: () => signed(body, NOW_S - 301), status: 403, error: 'X-Timestamp is more than 5 minutes away' },
    { label: 'signed yesterday', headers: () => signed(body, NOW_S - 86_400), status: 403, error: 'X-Timestamp is more than 5 minutes away' },
    { label: 'a phone clock 5 minutes ahead', headers: () => signed(body, NOW_S + 300), status: 204 },
    { label: 'a phone clock 5 minutes and 1 second ahead', headers: () => signed(body, NOW_S + 301), status: 403, error: 'X-Timestamp is more than 5 minutes away' },
    { label: 'a bad signature on a malformed body is refused, not read', body: '{"event":', headers: () => signed('{}'), status: 403, error: 'invalid X-Signature' },
    { label: 'ANDROID_SMS_SIGNING_KEY unset', signingKey: undefined, headers: () => signed(body), status: 403, error: 'ANDROID_SMS_SIGNING_KEY is not set' },
  ];
  for (const row of rows) it(`${row.label} → ${row.status}`, async () => {
    const { app, calls, deliveries, logs } = await mount('signingKey' in row ? { signingKey: row.signingKey } : {});
    const response = await post(app, row.body ?? body, row.headers());
    await app.close();
    expect(response.statusCode).toBe(row.status);
    if (row.status === 204) {
      expect(calls.map((call) => call.externalId)).toEqual(['android-sms:5bd1a8f2@2026-03-12T09:25:03.000+08:00']);
      return;
    }
    expect(response.json()).toEqual({ error: row.error });
    expect(calls).toEqual([]);
    expect(deliveries).toEqual([]);
    expect(logs).toContainEqual(expect.objectContaining({ msg: `android sms webhook refused: ${row.error}` }));
  });

  it('the adapter\'s routes check against the real clock with ANDROID_SMS_SIGNING_KEY', async () => {
    const app = Fastify();
    const { host, calls } = recordingHost();
    await app.register(androidSms({ signingKey: KEY }).routes!, { prefix: '/channels/android-sms', host });
    const now = Math.floor(Date.now() / 1000);
    const fresh = await post(app, body, signed(body, now));
    const stale = await post(app, body, signed(body, now - 600));
    const otherKey = await post(app, body, signed(body, now, 'another-key'));
    await app.close();
    expect([fresh.statusCode, stale.statusCode, otherKey.statusCode]).toEqual([204, 403, 403]);
    expect(calls).toHaveLength(1);
  });
});

type Expected = Omit<NormalizedInbound, 'raw' | 'receivedAt' | 'attachments'> & { receivedAt: string | 'now' };
const received = event('sms-received');
/** The sms:received fixture with payload fields changed (undefined removes one). */
const receivedWith = (changes: Record<string, unknown>, top: Record<string, unknown> = {}) => JSON.stringify(Object.fromEntries(Object.entries({
  ...received, ...top,
  payload: Object.fromEntries(Object.entries({ ...received.payload, ...changes }).filter(([, value]) => value !== undefined)),
}).filter(([, value]) => value !== undefined)));
const sms = (sender: string, text: string, externalId = 'android-sms:5bd1a8f2@2026-03-12T09:25:03.000+08:00', extra: Partial<Expected> = {}): Expected =>
  ({ channel: 'sms', externalId, sender, recipient: undefined, text, receivedAt: '2026-03-12T01:25:03.000Z', ...extra });

const eventRows: { label: string; body: string; expected: Expected | [string, DeliveryStatus, string | undefined] | 'acknowledged' | { error: string } }[] = [
  { label: 'sms:received', body: fixture('sms-received'), expected: sms('+8613900020003', '今天把院坝扫干净了') },
  {
    label: 'sms:received from a newer app: sender and the SIM\'s own number', body: fixture('sms-received-sender'),
    expected: sms('+8613900020005', '查积分', 'android-sms:e07c3b19@2026-03-12T09:25:41.000+08:00', { recipient: '+8613800009999', receivedAt: '2026-03-12T01:25:41.000Z' }),
  },
  { label: 'sender without the deprecated phoneNumber', body: receivedWith({ phoneNumber: undefined, sender: '13900020003' }), expected: sms('+8613900020003', '今天把院坝扫干净了') },
  { label: 'a number with 86 and spaces', body: receivedWith({ phoneNumber: '86 139 0002 0003' }), expected: sms('+8613900020003', '今天把院坝扫干净了') },
  { label: 'a short code is kept as sent', body: receivedWith({ phoneNumber: '10086' }), expected: sms('10086', '今天把院坝扫干净了') },
  { label: 'no messageId: the event id', body: receivedWith({ messageId: undefined }), expected: sms('+8613900020003', '今天把院坝扫干净了', 'android-sms:event:Ey6ECgOkVVFjz3CL48B8C') },
  { label: 'no receivedAt: the messageId alone, received now', body: receivedWith({ receivedAt: undefined }), expected: sms('+8613900020003', '今天把院坝扫干净了', 'android-sms:5bd1a8f2', { receivedAt: 'now' }) },
  { label: 'an unreadable receivedAt: received now', body: receivedWith({ receivedAt: 'soon' }), expected: sms('+8613900020003', '今天把院坝扫干净了', 'android-sms:5bd1a8f2@soon', { receivedAt: 'now' }) },
  { label: 'spaces, newlines and JSON specials are kept exactly', body: receivedWith({ message: ' 扫院坝 +2分 & "好"\n第二行 ' }), expected: sms('+8613900020003', ' 扫院坝 +2分 & "好"\n第二行 ') },
  { label: 'emoji are kept', body: receivedWith({ message: '👍🧹🏡' }), expected: sms('+8613900020003', '👍🧹🏡') },
  { label: 'NUL is handed over as sent (acceptInbound drops it: storableInbound)', body: receivedWith({ message: '今天\u0000扫了' }), expected: sms('+8613900020003', '今天\u0000扫了') },
  { label: 'an empty SMS is a message with no text', body: receivedWith({ message: '' }), expected: sms('+8613900020003', '') },
  { label: 'no message', body: receivedWith({ message: undefined }), expected: { error: 'payload.message is missing' } },
  { label: 'a message that is not text', body: receivedWith({ message: 5 }), expected: { error: 'payload.message is missing' } },
  { label: 'no phoneNumber nor sender', body: receivedWith({ phoneNumber: undefined }), expected: { error: 'payload.phoneNumber is missing' } },
  { label: 'a blank phoneNumber', body: receivedWith({ phoneNumber: ' ' }), expected: { error: 'payload.phoneNumber is missing' } },
  { label: 'neither messageId nor id', body: receivedWith({ messageId: undefined }, { id: undefined }), expected: { error: 'payload.messageId is missing (and no id to stand in for it)' } },
  { label: 'sms:sent', body: fixture('sms-sent'), expected: ['PyDmBQZZXYmyxMwED8Fzy', 'sent', undefined] },
  { label: 'sms:delivered', body: fixture('sms-delivered'), expected: ['PyDmBQZZXYmyxMwED8Fzy', 'delivered', undefined] },
  { label: 'sms:failed: the reason', body: fixture('sms-failed'), expected: ['HbN4vC9xZ2lK7jG5fD3sA', 'failed', 'RESULT_ERROR_GENERIC_FAILURE'] },
  {
    label: 'sms:failed with `error` (the client package\'s name for it)', body: fixture('sms-failed').replace('"reason"', '"error"'),
    expected: ['HbN4vC9xZ2lK7jG5fD3sA', 'failed', 'RESULT_ERROR_GENERIC_FAILURE'],
  },
  { label: 'sms:failed without a reason', body: fixture('sms-failed').replace(/,\n *"reason": "[^"]*"/, ''), expected: ['HbN4vC9xZ2lK7jG5fD3sA', 'failed', 'failed'] },
  { label: 'sms:delivered without messageId', body: fixture('sms-delivered').replace(/ *"messageId": "[^"]*",\n/, ''), expected: { error: 'payload.messageId is missing' } },
  { label: 'system:ping is acknowledged, not stored', body: fixture('system-ping'), expected: 'acknowledged' },
  { label: 'an event jifen does not keep (mms:received)', body: fixture('system-ping').replace('system:ping', 'mms:received'), expected: 'acknowledged' },
];

describe('android sms: events (POST /webhook)', () => {
  for (const row of eventRows) it(row.label, async () => {
    const { app, calls, deliveries, logs } = await mount();
    const before = Date.now();
    const response = await post(app, row.body, signed(row.body));
    await app.close();
    if (typeof row.expected === 'object' && 'error' in row.expected) {
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ error: row.expected.error });
      expect([calls, deliveries]).toEqual([[], []]);
      return;
    }
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    if (row.expected === 'acknowledged') {
      expect([calls, deliveries]).toEqual([[], []]);
      expect(logs).toContainEqual(expect.objectContaining({ msg: 'android sms event acknowledged, not stored', event: JSON.parse(row.body).event }));
      return;
    }
    if (Array.isArray(row.expected)) {
      expect(calls).toEqual([]);
      expect(deliveries).toEqual([row.expected]);
      return;
    }
    expect(deliveries).toEqual([]);
    expect(calls).toHaveLength(1);
    const { raw, receivedAt, attachments, ...normalized } = calls[0]!;
    const { receivedAt: expectedAt, ...expected } = row.expected;
    expect(normalized).toEqual(expected);
    expect(attachments).toEqual([]);
    expectReceivedAt(receivedAt, expectedAt, before);
    // raw is the whole webhook (device, event and webhook ids).
    expect(raw).toEqual(JSON.parse(row.body));
  });

  it('the fixtures are read by the table', () => {
    for (const name of ['sms-received', 'sms-received-sender', 'sms-sent', 'sms-delivered', 'sms-failed', 'system-ping']) {
      expect(eventRows.some((row) => row.body === fixture(name)), name).toBe(true);
    }
  });
});

describe('android sms: retries and duplicates', () => {
  it('the app\'s retries (each signed anew) store the message once, each answered 204', async () => {
    const { app, calls, stored } = await mount();
    const body = fixture('sms-received');
    const statuses = [];
    for (const delay of [0, 10, 30]) statuses.push((await post(app, body, signed(body, NOW_S - delay))).statusCode);
    await app.close();
    expect(statuses).toEqual([204, 204, 204]);
    expect(calls).toHaveLength(3);
    expect(stored.size).toBe(1);
  });

  it('a second webhook registered for sms:received (another event id) is the same message', async () => {
    const { app, stored } = await mount();
    const first = fixture('sms-received');
    const second = receivedWith({}, { id: 'Zz9Yy8Xx7Ww6Vv5Uu4Tt3', webhookId: 'Mm1Nn2Bb3Vv4Cc5Xx6Zz7' });
    await post(app, first, signed(first));
    await post(app, second, signed(second));
    await app.close();
    expect(stored.size).toBe(1);
  });

  it('the same text from the same number at another time is another message, whatever the 32-bit hash says', async () => {
    const { app, stored } = await mount();
    const first = fixture('sms-received');
    const later = receivedWith({ receivedAt: '2026-03-12T09:40:11.000+08:00' });
    await post(app, first, signed(first));
    await post(app, later, signed(later));
    await app.close();
    expect([...stored.keys()]).toEqual([
      'sms android-sms:5bd1a8f2@2026-03-12T09:25:03.000+08:00', 'sms android-sms:5bd1a8f2@2026-03-12T09:40:11.000+08:00',
    ]);
  });

  it('a database that fails answers 500, so the app retries', async () => {
    const failing: ChannelHost = { ...recordingHost().host, acceptInbound: async () => { throw new Error('connection refused'); } };
    const { app } = await mount({ host: failing });
    const body = fixture('sms-received');
    const response = await post(app, body, signed(body));
    await app.close();
    expect(response.statusCode).toBe(500);
  });
});

describe('android sms: malformed and oversized bodies', () => {
  let mounted: Awaited<ReturnType<typeof mount>>;
  beforeAll(async () => { mounted = await mount(); });
  afterAll(async () => { await mounted.app.close(); });

  /** A valid sms:received of exactly `bytes` bytes. */
  const ofSize = (bytes: number) => receivedWith({ message: 'a'.repeat(bytes - Buffer.byteLength(receivedWith({ message: '' }))) });

  const rows: { label: string; body: string; contentType?: string | null; status: number; error?: string }[] = [
    { label: 'empty body', body: '', status: 400, error: 'empty body: expected a JSON webhook' },
    { label: 'not JSON', body: 'event=sms:received', status: 400, error: 'malformed JSON' },
    { label: 'truncated JSON', body: fixture('sms-received').slice(0, 60), status: 400, error: 'malformed JSON' },
    { label: 'an array', body: `[${fixture('sms-received')}]`, status: 400, error: 'expected a JSON object' },
    { label: 'no event', body: JSON.stringify({ ...received, event: undefined }), status: 400, error: 'event is missing' },
    { label: 'an event that is not text', body: JSON.stringify({ ...received, event: 1 }), status: 400, error: 'event is missing' },
    { label: 'no payload', body: JSON.stringify({ ...received, payload: undefined }), status: 400, error: 'payload is missing' },
    { label: 'a payload that is a list', body: JSON.stringify({ ...received, payload: [] }), status: 400, error: 'payload is missing' },
    { label: `a body of ${BODY_LIMIT} bytes + 1`, body: ofSize(BODY_LIMIT + 1), status: 413, error: `body larger than ${BODY_LIMIT} bytes` },
    { label: `a body of exactly ${BODY_LIMIT} bytes is a webhook`, body: ofSize(BODY_LIMIT), status: 204 },
    { label: 'application/json; charset=utf-8', body: fixture('sms-received'), contentType: 'application/json; charset=utf-8', status: 204 },
    { label: 'text/plain', body: fixture('sms-received'), contentType: 'text/plain', status: 204 },
    { label: 'no content type', body: fixture('sms-received'), contentType: null, status: 204 },
  ];
  for (const row of rows) it(`${row.label} → ${row.status}`, async () => {
    const before = mounted.calls.length;
    const response = await post(mounted.app, row.body, signed(row.body), row.contentType);
    expect(response.statusCode).toBe(row.status);
    if (row.status === 204) {
      expect(mounted.calls.length).toBe(before + 1);
      return;
    }
    expect(response.json()).toEqual({ error: row.error });
    expect(mounted.calls.length).toBe(before);
  });

  it('the size rows bracket the limit exactly', () => {
    expect(Buffer.byteLength(ofSize(BODY_LIMIT))).toBe(BODY_LIMIT);
    expect(Buffer.byteLength(ofSize(BODY_LIMIT + 1))).toBe(BODY_LIMIT + 1);
  });
});

describe('android sms: settings', () => {
  it('reads the environment', () => {
    expect(androidSmsSettings({
      ANDROID_SMS_URL: ' http://192.168.1.20:8080 ', ANDROID_SMS_USER: USER, ANDROID_SMS_PASSWORD: PASSWORD, ANDROID_SMS_SIGNING_KEY: KEY,
    })).toEqual({ url: 'http://192.168.1.20:8080', user: USER, password: PASSWORD, signingKey: KEY });
    expect(androidSmsSettings({ ANDROID_SMS_URL: '', ANDROID_SMS_USER: ' ' })).toEqual({ url: undefined, user: undefined, password: undefined, signingKey: undefined });
  });

  it('refuses a URL that is not http(s)', () => {
    for (const url of ['192.168.1.20:8080', 'ftp://192.168.1.20', 'http://']) {
      expect(() => androidSmsSettings({ ANDROID_SMS_URL: url })).toThrow(/ANDROID_SMS_URL must be http\(s\):\/\//);
    }
  });

  it('is the sms channel of provider android-sms, mounted at /channels/android-sms', () => {
    const adapter = androidSms({});
    expect({ provider: adapter.provider, channel: adapter.channel, prefix: adapter.prefix, media: adapter.capabilities.media, dryRun: adapter.dryRun })
      .toEqual({ provider: 'android-sms', channel: 'sms', prefix: 'android-sms', media: false, dryRun: true });
  });
});

describe('android sms: sending through the official client', () => {
  const fake = new FakeAndroidGateway();
  const OUT = { to: '+8613900020003', text: '已入账：庭院卫生整洁 +2分，当前余额 14分' };
  const adapter = (settings: AndroidSmsSettings = {}) => androidSms({ url: fake.url, user: USER, password: PASSWORD, timeoutMs: 1_000, ...settings });
  const json = (value: unknown, status: number): FakeGatewayReply => ({ status, body: JSON.stringify(value) });

  beforeAll(async () => { await fake.start(); });
  afterAll(async () => { await fake.stop(); });
  beforeEach(() => fake.reset());
  afterEach(() => { vi.unstubAllGlobals(); });

  it('posts the text to the phone (local server mode) with basic auth and answers the message id', async () => {
    const sender = adapter();
    expect(sender.dryRun).toBe(false);
    expect(await sender.send!(OUT)).toEqual({ status: 'sent', providerId: 'msg-1' });
    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect([request!.method, request!.path, request!.query]).toEqual(['POST', '/message', {}]);
    expect(request!.headers.authorization).toBe(`Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`);
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.body).toEqual({ message: OUT.text, phoneNumbers: ['+8613900020003'], withDeliveryReport: true });
  });

  it('a cloud or private server: the API under its path', async () => {
    await adapter({ url: `${fake.url}/3rdparty/v1/` }).send!(OUT);
    expect(fake.requests.map((request) => [request.method, request.path])).toEqual([['POST', '/3rdparty/v1/message']]);
  });

  it('the cloud server when ANDROID_SMS_URL is unset', async () => {
    const seen: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      seen.push(url);
      return new Response(fixture('send-accepted'), { status: 202, headers: { 'content-type': 'application/json' } });
    });
    expect(ANDROID_SMS_CLOUD_URL).toBe('https://api.sms-gate.app/3rdparty/v1');
    expect(await adapter({ url: undefined }).send!(OUT)).toEqual({ status: 'sent', providerId: 'PyDmBQZZXYmyxMwED8Fzy' });
    expect(seen).toEqual(['https://api.sms-gate.app/3rdparty/v1/message']);
  });

  it('the fixture\'s id is the providerId', async () => {
    fake.replyNext('/message', { status: 202, body: fixture('send-accepted') });
    expect(await adapter().send!(OUT)).toEqual({ status: 'sent', providerId: 'PyDmBQZZXYmyxMwED8Fzy' });
  });

  const answers: { label: string; reply: FakeGatewayReply; permanent: boolean; message: RegExp; settings?: AndroidSmsSettings }[] = [
    { label: '400, an invalid number (the fixture)', reply: { status: 400, body: fixture('send-invalid-phone') }, permanent: true, message: /HTTP 400: can't send message: invalid phone number/ },
    { label: '401, wrong credentials', reply: json({ message: 'Unauthorized' }, 401), permanent: true, message: /HTTP 401: Unauthorized/ },
    { label: '413, too long', reply: { status: 413, body: 'Request Entity Too Large' }, permanent: true, message: /HTTP 413: Request Entity Too Large/ },
    { label: '408, the phone timed out', reply: json({ message: 'timeout' }, 408), permanent: false, message: /HTTP 408/ },
    { label: '429, too many requests', reply: json({ message: 'Too Many Requests' }, 429), permanent: false, message: /HTTP 429/ },
    { label: '500', reply: json({ message: 'failed to enqueue message' }, 500), permanent: false, message: /HTTP 500: failed to enqueue message/ },
    { label: '502 from a proxy, not JSON', reply: { status: 502, body: '<html>Bad Gateway</html>' }, permanent: false, message: /HTTP 502: <html>Bad Gateway<\/html>/ },
    { label: '202 with a body that is not JSON', reply: { status: 202, body: 'accepted' }, permanent: false, message: /not JSON/ },
    { label: '202 without an id', reply: json({ state: 'Pending', recipients: [] }, 202), permanent: false, message: /without an id/ },
    { label: 'the connection dropped', reply: 'hang-up', permanent: false, message: /^SMS gateway: fetch failed/ },
    { label: 'no answer within the timeout', reply: 'silent', settings: { timeoutMs: 200 }, permanent: false, message: /^SMS gateway: .*(timeout|aborted)/i },
  ];
  for (const row of answers) it(`${row.label} → ${row.permanent ? 'PermanentSendError' : 'a retryable Error'}`, async () => {
    fake.replyNext('/message', row.reply);
    const error = await adapter(row.settings).send!(OUT).then(() => undefined, (thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(Error);
    expect(error instanceof PermanentSendError).toBe(row.permanent);
    expect((error as Error).message).toMatch(row.message);
    expect(fake.requests).toHaveLength(1);
  });

  it('a phone that is off the network is a retryable error', async () => {
    const closed = androidSms({ url: 'http://127.0.0.1:9', user: USER, password: PASSWORD, timeoutMs: 1_000 });
    const error = await closed.send!(OUT).then(() => undefined, (thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(PermanentSendError);
  });

  it('without a username and password it is a dry run: nothing is sent', async () => {
    for (const settings of [{ user: undefined }, { password: undefined }, { user: undefined, password: undefined }]) {
      const dry = adapter(settings);
      expect(dry.dryRun).toBe(true);
      expect(await dry.send!(OUT)).toEqual({ status: 'dry_run' });
    }
    expect(fake.requests).toEqual([]);
  });
});
