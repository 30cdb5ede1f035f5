import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackend } from '../support/backend.ts';
import { FakeAndroidGateway } from '../support/fake-android-gateway.ts';
import { AUTH_TOKEN, lastInbound, startJifen, type Harness } from '../support/jifen.ts';
import { outboxIdle, sendAndSettle } from '../support/outbound.ts';

const SIGNING_KEY = 'android-signing-key';
const villager = '+8613900020003'; // 王兰英, FNP-003

describe(`SMS through a village's Android phone (${testBackend})`, () => {
  let jifen: Harness;
  let gateway: FakeAndroidGateway;
  beforeAll(async () => {
    gateway = await new FakeAndroidGateway().start();
    // Twilio keeps its webhooks but has no account: the Android phone is the SMS provider that really sends.
    jifen = await startJifen({ config: {
      twilio: { authToken: AUTH_TOKEN },
      androidSms: { url: gateway.url, user: 'village', password: 'secret', signingKey: SIGNING_KEY, timeoutMs: 1_000 },
    } });
  });
  afterAll(async () => {
    await jifen?.close();
    await gateway?.stop();
  });

  it('a text received by the phone is a claim, and the answer goes out through the phone', async () => {
    const body = JSON.stringify({
      deviceId: 'ffffffffceb0b1db0000018e937c815b', event: 'sms:received', id: 'Ey6ECgOkVVFjz3CL48B8C', webhookId: 'LreFUt-Z3sSq0JufY9uWB',
      payload: { messageId: '5bd1a8f2', message: '查积分', phoneNumber: villager, simNumber: 1, receivedAt: new Date().toISOString() },
    });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = createHmac('sha256', SIGNING_KEY).update(body).update(timestamp).digest('hex');
    const response = await jifen.app.inject({
      method: 'POST', url: '/channels/android-sms/webhook', payload: body,
      headers: { 'content-type': 'application/json', 'x-timestamp': timestamp, 'x-signature': signature },
    });
    expect(response.statusCode).toBeLessThan(300);
    await jifen.waitFor(async () => (await lastInbound(jifen.context, villager))?.outcome === 'balance', 'the message understood');
    const sent = await jifen.waitFor(async () => gateway.requests.find((r) => r.method === 'POST' && /message/.test(r.path)), 'the answer sent through the phone');
    expect(JSON.stringify(sent.body)).toContain('FNP-003 当前积分余额 0分，累计获得 0分');
    expect(JSON.stringify(sent.body)).toContain(villager.slice(-11));
  });

  it('the phone out of reach (HTTP 502 from the cloud, then no answer in time) is retried with backoff and the text goes out', async () => {
    const sends = () => gateway.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/message'));
    const before = sends().length;
    await outboxIdle(jifen);
    gateway.replyNext('/message', { status: 502, body: 'Bad Gateway' }, 'silent');
    const sent = await sendAndSettle(jifen, { dedupeKey: 'android-outage', channel: 'sms', address: '+8613900020002', text: '本周记得申报积分' }, 30_000);
    expect({ status: sent.status, attempts: sent.attempts, error: sent.error }).toEqual({ status: 'sent', attempts: 3, error: null });
    expect(sends()).toHaveLength(before + 3);
  });
});
