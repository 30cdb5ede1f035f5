import { createHash, createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configuredSecrets } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { testBackend } from '../support/backend.ts';
import { AUTH_TOKEN, people, referenceSentTo, startJifen, type Harness } from '../support/jifen.ts';

/** Every channel's secret, each distinct and long enough to be found in a log. */
const SECRETS = {
  apiToken: 'api-token-5d1f0c9e7b',
  pushToken: 'aliyun-push-token-8c41d2',
  aliyunKey: 'aliyun-access-secret-77aa01',
  signingKey: 'android-signing-key-3e9f50',
  androidPassword: 'android-password-c0ffee',
  transcripts: 'transcript-secret-6b2d88',
  wechatToken: 'wechatTokenA1b2C3d4',
  wechatAppSecret: 'wechat-app-secret-4f4f4f',
  speechToken: 'speech-token-9911aa',
};

describe(`no secret reaches the log, at debug level, through a whole flow on every channel (${testBackend})`, () => {
  let jifen: Harness;
  const lines: string[] = [];
  beforeAll(async () => {
    jifen = await startJifen({
      log: createLogger('debug', { write: (line: string) => { lines.push(line); } }, [...Object.values(SECRETS), AUTH_TOKEN]),
      config: {
        apiToken: SECRETS.apiToken,
        aliyunSms: { accessKeyId: 'LTAI-test', accessKeySecret: SECRETS.aliyunKey, signName: '放牛坪村', endpoint: 'http://127.0.0.1:9', templates: {}, pushToken: SECRETS.pushToken },
        androidSms: { password: SECRETS.androidPassword, signingKey: SECRETS.signingKey },
        transcripts: { secret: SECRETS.transcripts },
        wechatOfficial: { token: SECRETS.wechatToken, appSecret: SECRETS.wechatAppSecret },
        speechToText: { token: SECRETS.speechToken },
      },
    });
  });
  afterAll(async () => { await jifen?.close(); });

  it('configuredSecrets lists each of them', () => {
    const listed = configuredSecrets(jifen.config);
    for (const secret of [SECRETS.apiToken, SECRETS.pushToken, SECRETS.aliyunKey, SECRETS.signingKey, SECRETS.transcripts, SECRETS.wechatToken]) expect(listed).toContain(secret);
  });

  it('Twilio, Aliyun (token in the URL and in the header), Android, transcripts, WeChat and the API: the log holds none of the secrets', async () => {
    await jifen.sms(people.wangLanying, '今天把院坝扫干净了');
    const reference = await referenceSentTo(jifen, people.liuFang);
    await jifen.sms(people.liuFang, `同意 ${reference}`);

    const push = JSON.stringify([{ phone_number: '13900020002', content: '查积分', send_time: '2026-03-12 09:25:03', dest_code: '5276', sequence_id: '1' }]);
    const byQuery = await jifen.app.inject({ method: 'POST', url: `/channels/aliyun/up?token=${SECRETS.pushToken}`, payload: push, headers: { 'content-type': 'application/json' } });
    const byHeader = await jifen.app.inject({ method: 'POST', url: '/channels/aliyun/up', payload: push, headers: { 'content-type': 'application/json', 'x-jifen-push-token': SECRETS.pushToken } });
    const wrongToken = await jifen.app.inject({ method: 'POST', url: `/channels/aliyun/up?token=${SECRETS.pushToken}x`, payload: push });

    const androidBody = JSON.stringify({ deviceId: 'd', event: 'sms:received', id: 'e1', webhookId: 'w', payload: { messageId: 'm1', message: '查积分', phoneNumber: people.chenChangjiang, simNumber: 1, receivedAt: new Date().toISOString() } });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const android = await jifen.app.inject({
      method: 'POST', url: '/channels/android-sms/webhook', payload: androidBody,
      headers: { 'content-type': 'application/json', 'x-timestamp': timestamp, 'x-signature': createHmac('sha256', SECRETS.signingKey).update(androidBody).update(timestamp).digest('hex') },
    });

    const transcript = JSON.stringify({ caller: people.chenChangjiang, text: '查积分', callId: 'log-1', timestamp: new Date().toISOString() });
    const call = await jifen.app.inject({
      method: 'POST', url: '/channels/transcripts/', payload: transcript,
      headers: { 'content-type': 'application/json', 'x-jifen-signature': `sha256=${createHmac('sha256', SECRETS.transcripts).update(transcript).digest('hex')}` },
    });

    const nonce = '42';
    const signature = createHash('sha1').update([SECRETS.wechatToken, timestamp, nonce].sort().join('')).digest('hex');
    const wechat = await jifen.app.inject({
      method: 'POST', url: `/channels/wechat/official?signature=${signature}&timestamp=${timestamp}&nonce=${nonce}`,
      payload: `<xml><ToUserName>gh_1</ToUserName><FromUserName>o1</FromUserName><CreateTime>${timestamp}</CreateTime><MsgType>text</MsgType><Content>查积分</Content><MsgId>1</MsgId></xml>`,
    });

    const api = await jifen.app.inject({ method: 'POST', url: '/api/declarations', payload: { household: 'FNP-001', text: '扫院坝', cadre: people.liuFang }, headers: { authorization: `Bearer ${SECRETS.apiToken}` } });
    const badApi = await jifen.app.inject({ method: 'POST', url: '/api/declarations', payload: {}, headers: { authorization: `Bearer ${SECRETS.apiToken}-wrong` } });

    expect([byQuery, byHeader, wrongToken, android, call, wechat, api, badApi].map((r) => r.statusCode)).toEqual([200, 200, 403, 204, 202, 200, 202, 401]);
    await jifen.waitFor(async () => (await jifen.outbox(people.wangLanying)).some((text) => text.includes('已入账')), 'the approval posted');

    const log = lines.join('');
    expect(log).toContain('/channels/aliyun/up');
    for (const [name, secret] of Object.entries({ ...SECRETS, twilio: AUTH_TOKEN, signature })) expect(log, name).not.toContain(secret);
    expect(log).not.toMatch(/\+86\d{11}/);
  });
});
