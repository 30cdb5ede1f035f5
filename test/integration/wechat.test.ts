import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { claims, members, outboundMessages, wechatBindings } from '../../src/db/schema/index.ts';
import { smsSize } from '../../src/messages/segments.ts';
import { testBackend } from '../support/backend.ts';
import { FakeWechat } from '../support/fake-wechat.ts';
import { lastInbound, people, referenceSentTo, startJifen, type Harness } from '../support/jifen.ts';

const TOKEN = 'wechat-test-token';
const ACCOUNT = 'gh_7f083739789a';
const openid = 'oWp7Z5Jq3vXbN2kLmR8tYcA4dEfG';
const phone = '+8613900020015'; // 彭光荣, FNP-015, no WeChat id in the village file

let msgId = 7_100_000_000;

describe(`WeChat official account (${testBackend})`, () => {
  let jifen: Harness;
  let wechat: FakeWechat;
  beforeAll(async () => {
    wechat = await new FakeWechat().start();
    jifen = await startJifen({ config: { wechatOfficial: { token: TOKEN, appId: 'wx-test', appSecret: 'secret', apiBaseUrl: wechat.url } } });
  });
  afterAll(async () => {
    await jifen?.close();
    await wechat?.stop();
  });

  /** A plaintext-mode message from WeChat, signed with the account's token as WeChat signs it. */
  async function fromWechat(from: string, content: string) {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = String(++msgId);
    const signature = createHash('sha1').update([TOKEN, timestamp, nonce].sort().join('')).digest('hex');
    const xml = `<xml><ToUserName><![CDATA[${ACCOUNT}]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>${timestamp}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${msgId}</MsgId></xml>`;
    const response = await jifen.app.inject({
      method: 'POST', url: `/channels/wechat/official?signature=${signature}&timestamp=${timestamp}&nonce=${nonce}`,
      payload: xml, headers: { 'content-type': 'text/xml' },
    });
    expect(response.body).toBe('success');
    await jifen.waitFor(async () => (await lastInbound(jifen.context, from))?.processedAt, `"${content}" processed`);
  }

  /** Texts sent to an openid through the customer-service API. */
  const sentTo = (to: string) => wechat.on('/cgi-bin/message/custom/send')
    .map((request) => request.body as { touser: string; text: { content: string } })
    .filter((body) => body.touser === to).map((body) => body.text.content);

  it('an unknown WeChat user binds their number with a code sent by SMS, then claims on WeChat', async () => {
    await fromWechat(openid, '你好');
    await jifen.waitFor(async () => sentTo(openid).some((t) => t.startsWith('您好！请发您在村里登记的手机号码')), 'the binding prompt');

    await fromWechat(openid, '13900020015');
    await jifen.waitFor(async () => sentTo(openid).includes('验证码已发到 139****0015，请把短信里的6位验证码发到这里'), 'the code sent');
    const [binding] = await jifen.context.db.select().from(wechatBindings).where(eq(wechatBindings.wechatId, openid));
    expect(await jifen.outbox(phone)).toEqual([`您的微信绑定验证码：${binding!.code}，10分钟内有效。不是您本人操作请忽略`]);

    await fromWechat(openid, '000000' === binding!.code ? '111111' : '000000');
    await jifen.waitFor(async () => sentTo(openid).includes('验证码不对，请再看一下短信；也可以重新发手机号码'), 'a wrong code refused');
    await fromWechat(openid, binding!.code);
    await jifen.waitFor(async () => sentTo(openid).some((t) => t.startsWith('绑定成功')), 'bound');
    const [member] = await jifen.context.db.select().from(members).where(eq(members.phone, phone));
    expect(member!.wechat).toBe(openid);

    await fromWechat(openid, '今天把院坝扫干净了');
    const reference = await referenceSentTo(jifen, people.liuFang);
    await jifen.sms(people.liuFang, `同意 ${reference}`);
    // 彭光荣 prefers SMS: the notices of the claim go by SMS, the answers to WeChat messages on WeChat
    await jifen.waitFor(async () => (await jifen.outbox(phone)).includes('已入账 +2分，当前余额 2分'), 'the posting notice');
  });

  it('待审 asked on WeChat comes as one message, however many SMS segments it would take', async () => {
    for (const villager of ['+8613900020013', '+8613900020014', '+8613900020016', '+8613900020017', '+8613900020018']) await jifen.sms(villager, '参加了院坝会');
    await jifen.waitFor(async () => (await jifen.context.db.select().from(claims).where(eq(claims.state, 'awaiting_review'))).length === 5, 'five claims waiting');
    await fromWechat('wxid_fnp_liufang', '待审'); // 刘芳, the 综合专干
    const list = await jifen.waitFor(async () => sentTo('wxid_fnp_liufang').find((t) => t.startsWith('待审')), 'the list on WeChat');
    expect(list).toMatch(/^待审 5 条：1）\d{4} /);
    expect(list.match(/[1-5]）\d{4}/g)).toHaveLength(5);
    expect(smsSize(list).segments).toBeGreaterThan(1);
  });

  it('a WeChat answer refused for good (outside the 48 hours) goes by SMS instead', async () => {
    const villager = '+8613900030004'; // 李翠花, FNP-004, prefers WeChat (wxid_fnp_m004)
    wechat.replyNext('/cgi-bin/message/custom/send', { json: '{"errcode":45015,"errmsg":"response out of time limit"}' });
    await fromWechat('wxid_fnp_m004', '查积分');
    await jifen.waitFor(async () => (await jifen.outbox(villager)).includes('FNP-004 当前积分余额 0分，累计获得 0分'), 'the answer by SMS');
    const [refused] = await jifen.context.db.select().from(outboundMessages).where(eq(outboundMessages.address, 'wxid_fnp_m004'));
    expect(refused).toMatchObject({ channel: 'wechat', status: 'failed', fallbackChannel: 'sms', fallbackAddress: villager });
    const [bySms] = await jifen.context.db.select().from(outboundMessages).where(eq(outboundMessages.address, villager));
    expect(bySms).toMatchObject({ channel: 'sms', segments: 1 });
  });
});
