import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackend } from '../support/backend.ts';
import { FakeAliyun } from '../support/fake-aliyun.ts';
import { AUTH_TOKEN, people, referenceSentTo, startJifen, type Harness } from '../support/jifen.ts';
import { outboxIdle, sendAndSettle } from '../support/outbound.ts';

describe(`SMS through Aliyun's approved templates (${testBackend})`, () => {
  let jifen: Harness;
  let aliyun: FakeAliyun;
  beforeAll(async () => {
    aliyun = await new FakeAliyun().start();
    // Twilio keeps its webhooks but has no account: Aliyun is the SMS provider that really sends.
    jifen = await startJifen({ config: {
      twilio: { authToken: AUTH_TOKEN },
      aliyunSms: {
        accessKeyId: 'LTAI-test', accessKeySecret: 'secret', signName: '放牛坪村', endpoint: aliyun.url, timeoutMs: 1_000,
        templates: { claim_ack: { code: 'SMS_ACK', params: ['item', 'points', 'reference'] } },
        defaultTemplate: { code: 'SMS_NOTICE', params: ['content'] },
      },
    } });
  });
  afterAll(async () => {
    await jifen?.close();
    await aliyun?.stop();
  });

  it('an acknowledgement goes through its own template with its values, anything else through the default one', async () => {
    await jifen.sms(people.wangLanying, '今天把院坝扫干净了');
    const reference = await referenceSentTo(jifen, people.liuFang);
    const sent = await jifen.waitFor(async () => {
      const requests = aliyun.on('SendSms').filter((r) => r.query.PhoneNumbers === people.wangLanying);
      return requests.length > 0 && requests;
    }, 'the acknowledgement sent through Aliyun');
    expect(sent[0]!.query).toMatchObject({ SignName: '放牛坪村', TemplateCode: 'SMS_ACK' });
    expect(JSON.parse(sent[0]!.query.TemplateParam!)).toEqual({ item: '庭院卫生整洁', points: '2', reference: String(reference) });
    const toCadre = await jifen.waitFor(async () => aliyun.on('SendSms').find((r) => r.query.PhoneNumbers === people.liuFang), 'the review request');
    expect(toCadre.query.TemplateCode).toBe('SMS_NOTICE');
    expect(JSON.parse(toCadre.query.TemplateParam!).content).toContain(`待审 ${reference}`);
  });

  it('an Aliyun outage (HTTP 503, then no answer in time) is retried with backoff and the message goes out', async () => {
    const outage = { status: 503, json: JSON.stringify({ Code: 'ServiceUnavailable', Message: 'The request has failed due to a temporary failure of the server.', RequestId: 'r1' }) };
    await outboxIdle(jifen);
    aliyun.replyNext('SendSms', outage, 'silent');
    const before = aliyun.on('SendSms').length;
    const sent = await sendAndSettle(jifen, { dedupeKey: 'aliyun-outage', channel: 'sms', address: people.chenChangjiang, text: '本周记得申报积分' }, 30_000);
    expect({ status: sent.status, attempts: sent.attempts, error: sent.error }).toEqual({ status: 'sent', attempts: 3, error: null });
    expect(aliyun.on('SendSms').slice(before).map((r) => r.query.PhoneNumbers)).toEqual(Array(3).fill(people.chenChangjiang));
  });
});
