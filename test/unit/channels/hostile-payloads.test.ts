import { createHmac } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import twilio from 'twilio';
import { afterEach, describe, expect, it } from 'vitest';
import { aliyunSms } from '../../../channels/aliyun-sms/index.ts';
import { androidSmsRoutes } from '../../../channels/android-sms/routes.ts';
import { transcriptFeed } from '../../../channels/transcripts/index.ts';
import { twilioSms } from '../../../channels/twilio/index.ts';
import { twilioVoice } from '../../../channels/twilio/voice.ts';
import type { NormalizedInbound } from '../../../channels/types.ts';
import { storableInbound } from '../../../src/storable.ts';
import { mountRoutes, recordingHost } from '../../support/channel-app.ts';

/**
 * Signed payloads a provider may really send (or an attacker with a provider's key), each of which
 * once answered 500: every row is a 4xx, or a 2xx with the bad field cleaned so PostgreSQL can store it.
 */
const SECRET = 'hostile-payload-secret-1';
const PUBLIC_URL = 'https://jifen.example.org';
const LONE = '\\ud800';
const deep = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;

let mounted: FastifyInstance | undefined;
afterEach(async () => { await mounted?.close(); mounted = undefined; });

/** What acceptInbound stores of a message handed over (storableInbound): no NUL or lone surrogate anywhere, a time from 2000 to now. */
function expectStorable(handed: NormalizedInbound) {
  const message = storableInbound(handed);
  const text = JSON.stringify(message);
  expect(text).not.toMatch(/\\u0000|\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f])/i);
  expect(message.receivedAt.getTime()).toBeGreaterThanOrEqual(Date.UTC(2000, 0, 1));
  expect(message.receivedAt.getTime()).toBeLessThanOrEqual(Date.now() + 5 * 60_000);
}

interface Row { label: string; body: string; status: number; stored?: number }

async function run(routes: Parameters<typeof mountRoutes>[0], prefix: string, send: (app: FastifyInstance, body: string) => Promise<LightMyRequestResponse>, row: Row) {
  const { host, calls } = recordingHost({ preview: async () => ({ kind: 'claim', speech: '您申报的是：庭院卫生整洁，2分' }) });
  const { app } = await mountRoutes(routes, prefix, host);
  mounted = app;
  const response = await send(app, row.body);
  expect(response.statusCode, response.body).toBe(row.status);
  expect(calls).toHaveLength(row.stored ?? (row.status < 300 ? 1 : 0));
  for (const call of calls) expectStorable(call);
  return { response, calls };
}

describe('Aliyun /up: signed (token) pushes', () => {
  const item = (fields: Record<string, unknown> = {}) => ({ phone_number: '13900020003', content: '扫了院坝', send_time: '2026-03-12 09:25:03', dest_code: '5276', sequence_id: '1', ...fields });
  const push = (...items: unknown[]) => JSON.stringify(items);
  const rows: Row[] = [
    { label: 'a lone surrogate in content', body: push(item()).replace('扫了院坝', `扫了${LONE}院坝`), status: 200 },
    { label: 'a lone surrogate in a key', body: push(item({ [`x${LONE}`]: 1 })).replace('x\\\\ud800', `x${LONE}`), status: 200 },
    { label: 'NUL in content', body: push(item({ content: '扫了\u0000院坝' })), status: 200 },
    { label: 'send_time 0000-01-01', body: push(item({ send_time: '0000-01-01 00:00:00' })), status: 200 },
    { label: 'send_time +275760-09-13', body: push(item({ send_time: '+275760-09-13 00:00:00' })), status: 200 },
    { label: 'send_time in 9999', body: push(item({ send_time: '9999-12-31 23:59:59' })), status: 200 },
    { label: 'nested 10,000 levels deep', body: `[${deep(10_000)}]`, status: 400 },
    { label: 'an item nested deep beside a good one', body: `[${JSON.stringify(item())}, {"x": ${deep(10_000)}}]`, status: 400 },
    { label: 'one bad item first: the items after it are stored', body: push({ ...item(), sequence_id: null }, item({ sequence_id: '2' }), item({ sequence_id: '3' })), status: 200, stored: 2 },
    { label: 'a null item between good ones', body: push(item({ sequence_id: '2' }), null, item({ sequence_id: '3' })), status: 200, stored: 2 },
  ];
  it.each(rows)('$label → $status', async (row) => {
    await run(aliyunSms({ templates: {}, pushToken: SECRET }).routes!, '/channels/aliyun',
      (app, body) => app.inject({ method: 'POST', url: '/channels/aliyun/up', payload: body, headers: { 'content-type': 'application/json', 'x-jifen-push-token': SECRET } }), row);
  });

  it('the skipped item is logged with why', async () => {
    const { host } = recordingHost();
    const { app, logs } = await mountRoutes(aliyunSms({ templates: {}, pushToken: SECRET }).routes!, '/channels/aliyun', host);
    mounted = app;
    await app.inject({ method: 'POST', url: '/channels/aliyun/up', payload: push({ ...item(), content: 5 }, item()), headers: { 'x-jifen-push-token': SECRET } });
    expect(logs).toContainEqual(expect.objectContaining({ msg: 'aliyun push: unreadable items skipped', problems: ['item 0: content is missing'] }));
  });
});

describe('Android gateway: signed webhooks', () => {
  const received = (payload: Record<string, unknown> = {}) => JSON.stringify({
    deviceId: 'd1', event: 'sms:received', id: 'e1', webhookId: 'w1',
    payload: { messageId: 'm1', message: '扫了院坝', phoneNumber: '+8613900020003', simNumber: 1, receivedAt: new Date().toISOString(), ...payload },
  });
  const rows: Row[] = [
    { label: 'a lone surrogate in the message', body: received().replace('扫了院坝', `扫了${LONE}`), status: 204 },
    { label: 'NUL in the message', body: received({ message: 'a\u0000b' }), status: 204 },
    { label: 'receivedAt 0000-01-01', body: received({ receivedAt: '0000-01-01T00:00:00Z' }), status: 204 },
    { label: 'receivedAt +275760-09-13', body: received({ receivedAt: '+275760-09-13T00:00:00.000Z' }), status: 204 },
    { label: 'nested 10,000 levels deep', body: received({ extra: 0 }).replace('0}', `${deep(10_000)}}`), status: 400 },
  ];
  it.each(rows)('$label → $status', async (row) => {
    const now = Date.now();
    await run(androidSmsRoutes({ signingKey: SECRET, now: () => now }), '/channels/android-sms', (app, body) => {
      const timestamp = String(Math.floor(now / 1000));
      const signature = createHmac('sha256', SECRET).update(body).update(timestamp).digest('hex');
      return app.inject({ method: 'POST', url: '/channels/android-sms/webhook', payload: body, headers: { 'content-type': 'application/json', 'x-timestamp': timestamp, 'x-signature': signature } });
    }, row);
  });
});

describe('transcripts: signed posts', () => {
  const transcript = (fields: Record<string, unknown> = {}) => JSON.stringify({ caller: '+8613900020003', text: '扫了院坝', callId: 'c1', timestamp: new Date().toISOString(), ...fields });
  const rows: Row[] = [
    { label: 'a lone surrogate in the text', body: transcript().replace('扫了院坝', `扫了${LONE}`), status: 202 },
    { label: 'a lone surrogate in an extra field', body: transcript({ note: 0 }).replace('"note":0', `"note":"${LONE}"`), status: 202 },
    { label: 'timestamp 0000-01-01', body: transcript({ timestamp: '0000-01-01T00:00:00Z' }), status: 400 },
    { label: 'timestamp +275760-09-13', body: transcript({ timestamp: '+275760-09-13T00:00:00Z' }), status: 400 },
    { label: 'nested 10,000 levels deep', body: transcript({ extra: 0 }).replace('"extra":0', `"extra":${deep(10_000)}`), status: 400 },
  ];
  it.each(rows)('$label → $status', async (row) => {
    await run(transcriptFeed({ secret: SECRET }).routes!, '/channels/transcripts', (app, body) => app.inject({
      method: 'POST', url: '/channels/transcripts/', payload: body,
      headers: { 'content-type': 'application/json', 'x-jifen-signature': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}` },
    }), row);
  });
});

describe('Twilio: a form field given twice (Body=a&Body=b)', () => {
  /** A form with repeated fields, signed as Twilio signs one. */
  function signedForm(url: string, fields: [string, string][]) {
    const params: Record<string, string | string[]> = {};
    for (const [key, value] of fields) params[key] = key in params ? [params[key] as string, value].flat() : value;
    return { payload: new URLSearchParams(fields).toString(), signature: twilio.getExpectedTwilioSignature(SECRET, url, params) };
  }
  const base: [string, string][] = [['MessageSid', 'SM1'], ['From', '+8613900020003'], ['To', '+8613900009999']];

  it('SMS: the first value is the message, stored once', async () => {
    const { signature, payload } = signedForm(`${PUBLIC_URL}/channels/twilio/sms`, [...base, ['Body', 'a'], ['Body', 'b']]);
    const { calls } = await run(twilioSms({ authToken: SECRET, publicUrl: PUBLIC_URL }).routes!, '/channels/twilio', (app) => app.inject({
      method: 'POST', url: '/channels/twilio/sms', payload, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    }), { label: 'sms', body: '', status: 200 });
    expect(storableInbound(calls[0]!)).toMatchObject({ externalId: 'SM1', text: 'a', sender: '+8613900020003' });
  });

  it('SMS: MessageSid and From given twice too', async () => {
    const { signature, payload } = signedForm(`${PUBLIC_URL}/channels/twilio/sms`, [...base, ['MessageSid', 'SM2'], ['From', '+8613900020004'], ['Body', 'a\u0000']]);
    const { calls } = await run(twilioSms({ authToken: SECRET, publicUrl: PUBLIC_URL }).routes!, '/channels/twilio', (app) => app.inject({
      method: 'POST', url: '/channels/twilio/sms', payload, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    }), { label: 'sms', body: '', status: 200 });
    expect(storableInbound(calls[0]!)).toMatchObject({ externalId: 'SM1', text: 'a', sender: '+8613900020003' });
  });

  it.each([
    ['heard', [['SpeechResult', '扫了院坝'], ['SpeechResult', '别的']]],
    ['confirm?said=扫了院坝', [['Digits', '1'], ['Digits', '2']]],
  ] as [string, [string, string][]][])('voice /%s: the caller is answered, not told 系统暂时有问题', async (path, fields) => {
    const url = `/channels/twilio/voice/${encodeURI(path)}`;
    const { signature, payload } = signedForm(`${PUBLIC_URL}${url}`, [['CallSid', 'CA1'], ['From', '+8613900020003'], ['To', '+8613900009999'], ...fields]);
    const { response } = await run(twilioVoice({ authToken: SECRET, publicUrl: PUBLIC_URL }).routes!, '/channels/twilio', (app) => app.inject({
      method: 'POST', url, payload, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    }), { label: path, body: '', status: 200, stored: path === 'heard' ? 0 : 1 });
    expect(response.body).not.toContain('系统暂时有问题');
  });
});
