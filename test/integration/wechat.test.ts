import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { claims, inboundMessages, memberConsents, members, outboundMessages, wechatBindings } from '../../src/db/schema/index.ts';
import { smsSize } from '../../src/messages/segments.ts';
import { testBackend } from '../support/backend.ts';
import { FakeSpeech } from '../support/fake-speech.ts';
import { FakeWechat } from '../support/fake-wechat.ts';
import { channelHost } from '../../src/messages/host.ts';
import { queueMessages } from '../../src/messages/outbound.ts';
import { lastInbound, people, referenceSentTo, startJifen, type Harness } from '../support/jifen.ts';
import { outboxIdle, sendAndSettle } from '../support/outbound.ts';

const TOKEN = 'wechat-test-token';
const ACCOUNT = 'gh_7f083739789a';
const openid = 'oWp7Z5Jq3vXbN2kLmR8tYcA4dEfG';
const phone = '+8613900020015'; // 彭光荣, FNP-015, no WeChat id in the village file

let msgId = 7_100_000_000;

const WEEKLY = { templateId: 'weekly-template-id', fields: { thing1: '{household}', character_string2: '{week}', number3: '{earned}', number4: '{balance}' } };

describe(`WeChat official account (${testBackend})`, () => {
  let jifen: Harness;
  let wechat: FakeWechat;
  let speech: FakeSpeech;
  beforeAll(async () => {
    wechat = await new FakeWechat().start();
    speech = await new FakeSpeech().start();
    jifen = await startJifen({ config: {
      wechatOfficial: { token: TOKEN, appId: 'wx-test', appSecret: 'secret', apiBaseUrl: wechat.url, templates: { weekly_balance: WEEKLY } },
      speechToText: { url: speech.url, token: 'speech-token' },
    } });
  });
  afterAll(async () => {
    await jifen?.close();
    await wechat?.stop();
    await speech?.stop();
  });

  /** A plaintext-mode post from WeChat (`fields` inside <xml>), signed with the account's token as WeChat signs it. */
  async function postFromWechat(fields: (timestamp: string) => string) {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = String(++msgId);
    const signature = createHash('sha1').update([TOKEN, timestamp, nonce].sort().join('')).digest('hex');
    const response = await jifen.app.inject({
      method: 'POST', url: `/channels/wechat/official?signature=${signature}&timestamp=${timestamp}&nonce=${nonce}`,
      payload: `<xml><ToUserName><![CDATA[${ACCOUNT}]]></ToUserName>${fields(timestamp)}</xml>`, headers: { 'content-type': 'text/xml' },
    });
    expect(response.body).toBe('success');
  }

  async function fromWechat(from: string, content: string) {
    await postFromWechat((timestamp) => `<FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>${timestamp}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${msgId}</MsgId>`);
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
    const [binding] = await jifen.context.db.select().from(wechatBindings).where(eq(wechatBindings.address, openid));
    expect(await jifen.outbox(phone)).toEqual([`您的微信绑定验证码：${binding!.code}，10分钟内有效。不是您本人操作请忽略`]);

    await fromWechat(openid, '000000' === binding!.code ? '111111' : '000000');
    await jifen.waitFor(async () => sentTo(openid).includes('验证码不对，请再看一下短信；也可以重新发手机号码'), 'a wrong code refused');
    await fromWechat(openid, binding!.code);
    await jifen.waitFor(async () => sentTo(openid).some((t) => t.startsWith('绑定成功')), 'bound');
    const [member] = await jifen.context.db.select().from(members).where(eq(members.phone, phone));
    expect(member!.wechat).toBe(openid);
    // The WeChat id is personal data held from this binding: its consent is recorded beside the village file's.
    const consents = await jifen.context.db.select().from(memberConsents).where(eq(memberConsents.memberId, member!.id));
    expect(consents.map((c) => c.source).sort()).toEqual(['sms-binding:wechat', 'village-file']);

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

  it('a weekly balance goes as its template message, and WeChat\'s TEMPLATESENDJOBFINISH marks it delivered', async () => {
    const params = { household: '李翠花家', week: '2026-W11', earned: '6', balance: '48', lifetime: '112', rank: '3' };
    await queueMessages(jifen.context, [{ dedupeKey: 'weekly-FNP-004-2026-W11', channel: 'wechat', address: 'wxid_fnp_m004', text: '李翠花家本周+6分，余额48分', kind: 'weekly_balance', params }]);
    const sent = await jifen.waitFor(async () => {
      const [row] = await jifen.context.db.select().from(outboundMessages).where(eq(outboundMessages.dedupeKey, 'weekly-FNP-004-2026-W11'));
      return row?.status === 'sent' && row;
    }, 'the weekly message sent');
    const [request] = wechat.on('/cgi-bin/message/template/send');
    expect(request!.body).toEqual({ touser: 'wxid_fnp_m004', template_id: 'weekly-template-id', data: {
      thing1: { value: '李翠花家' }, character_string2: { value: '2026-W11' }, number3: { value: '6' }, number4: { value: '48' },
    } });

    await postFromWechat((timestamp) => `<FromUserName><![CDATA[wxid_fnp_m004]]></FromUserName><CreateTime>${timestamp}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[TEMPLATESENDJOBFINISH]]></Event><MsgID>${sent.providerId}</MsgID><Status><![CDATA[success]]></Status>`);
    const [delivered] = await jifen.context.db.select().from(outboundMessages).where(eq(outboundMessages.id, sent.id));
    expect(delivered).toMatchObject({ status: 'delivered', error: null });
  });

  it('a photo sent on its own before the words goes to the cadre with the claim; one older than 30 minutes or already used does not', async () => {
    const villager = 'wxid_fnp_h004'; // 李树林, FNP-004
    const photoUrl = (name: string) => `http://mmbiz.qpic.cn/mmbiz_jpg/${name}/0`;
    const image = (name: string) => `<FromUserName><![CDATA[${villager}]]></FromUserName><CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime><MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[${photoUrl(name)}]]></PicUrl><MediaId><![CDATA[media-${name}]]></MediaId><MsgId>${++msgId}</MsgId>`;
    const reviewOf = (item: string) => jifen.waitFor(async () => (await jifen.outbox(people.liuFang)).find((t) => t.includes(`FNP-004 李树林家 申报 ${item}`)), `the review request for ${item}`);

    // Stored as WeChat would have delivered it 31 minutes ago.
    await (await channelHost(jifen.context)).acceptInbound({
      channel: 'wechat', externalId: `old-photo-${msgId}`, sender: villager, text: '', attachments: [{ url: photoUrl('old'), contentType: 'image' }],
      receivedAt: new Date(Date.now() - 31 * 60_000), raw: {},
    });
    await postFromWechat(() => image('yard'));
    await jifen.waitFor(async () => sentTo(villager).includes('收到照片。请再发一句文字说明做了哪项，如「庭院卫生」，照片会一起给村干部看'), 'the photo answered');

    await fromWechat(villager, '今天把院坝扫干净了');
    const withPhoto = await reviewOf('庭院卫生整洁');
    expect(withPhoto).toContain(`（照片：${photoUrl('yard')}）`);

    await fromWechat(villager, '我参加了院坝会');
    expect(await reviewOf('参加村民大会')).not.toContain('照片');
  });

  /** A voice note without WeChat's recognition, its recording kept by WeChat under `mediaId`. */
  const voiceNote = (from: string, mediaId: string) => (timestamp: string) =>
    `<FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>${timestamp}</CreateTime><MsgType><![CDATA[voice]]></MsgType><MediaId><![CDATA[${mediaId}]]></MediaId><Format><![CDATA[amr]]></Format><MsgId>${++msgId}</MsgId>`;

  it('a voice note WeChat did not recognise is heard by the speech service and claims like typed words', async () => {
    const villager = 'wxid_fnp_h005'; // 张建平, FNP-005
    wechat.media.set('voice-FNP-005', { file: Buffer.from('#!AMR\nfake recording'), contentType: 'audio/amr' });
    speech.heard = '今天把院坝扫干净了';
    await postFromWechat(voiceNote(villager, 'voice-FNP-005'));
    await jifen.waitFor(async () => (await jifen.outbox(people.liuFang)).some((t) => t.includes('FNP-005 张建平家 申报 庭院卫生整洁')), 'the review request');
    expect(speech.requests.at(-1)).toEqual({ contentType: 'audio/amr', authorization: 'Bearer speech-token', audio: '#!AMR\nfake recording' });
    const heard = await lastInbound(jifen.context, villager);
    expect({ text: heard!.text, attachments: heard!.attachments }).toEqual({
      text: '今天把院坝扫干净了', attachments: [{ url: `${wechat.url}/cgi-bin/media/get?media_id=voice-FNP-005`, contentType: 'voice' }],
    });
  });

  it('a voice note the speech service cannot hear (down, or the recording gone) is answered "type or call", and kept', async () => {
    const villager = 'wxid_fnp_m004';
    speech.replyNext('/', { status: 503, json: '' });
    wechat.media.set('voice-FNP-004', { file: Buffer.from('#!AMR\n'), contentType: 'audio/amr' });
    await postFromWechat(voiceNote(villager, 'voice-FNP-004'));
    await postFromWechat(voiceNote(villager, 'voice-expired'));
    const answer = '收到您的语音，暂时听不了。请打字说明做了哪项，如「庭院卫生」，或直接打电话申报';
    await jifen.waitFor(async () => sentTo(villager).filter((t) => t === answer).length === 2 && true, 'both answered');
    const [expired] = await jifen.context.db.select().from(inboundMessages).where(eq(inboundMessages.externalId, String(msgId)));
    expect(expired).toMatchObject({ text: '', outcome: 'empty' });
  });

  it('a WeChat outage (HTTP 502, then a dropped connection) is retried with backoff and the message goes out', async () => {
    const villager = 'wxid_fnp_h006';
    await outboxIdle(jifen);
    wechat.replyNext('/cgi-bin/message/custom/send', { status: 502, json: '<html>Bad Gateway</html>' }, 'hang-up');
    const sent = await sendAndSettle(jifen, { dedupeKey: 'wechat-outage', channel: 'wechat', address: villager, text: '本周记得申报积分' }, 30_000);
    expect({ status: sent.status, attempts: sent.attempts, error: sent.error }).toEqual({ status: 'sent', attempts: 3, error: null });
    // Three requests: the 502, the dropped one, the one WeChat took.
    expect(sentTo(villager)).toEqual(Array(3).fill('本周记得申报积分'));
  });
});
