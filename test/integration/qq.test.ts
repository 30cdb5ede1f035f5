import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { qqKeys } from '../../channels/qq/signature.ts';
import { cadres, inboundMessages, members, outboundMessages, wechatBindings } from '../../src/db/schema/index.ts';
import { testBackend } from '../support/backend.ts';
import { FAKE_QQ_APP_ID, FAKE_QQ_SECRET, FakeQq } from '../support/fake-qq.ts';
import { lastInbound, people, referenceSentTo, startJifen, type Harness } from '../support/jifen.ts';
import { postToQq, qqEvent, type QqPost } from '../support/qq.ts';

const villager = 'user:5A1B2C3D4E5F60718293A4B5C6D7E8F9';
const phone = '+8613900020016'; // FNP-016, no WeChat id in the village file

describe(`QQ bot (${testBackend})`, () => {
  let jifen: Harness;
  let qq: FakeQq;
  beforeAll(async () => {
    qq = await new FakeQq().start();
    jifen = await startJifen({ config: { qq: { appId: FAKE_QQ_APP_ID, secret: FAKE_QQ_SECRET, apiBaseUrl: qq.url, tokenUrl: qq.tokenUrl } } });
  });
  afterAll(async () => {
    await jifen?.close();
    await qq?.stop();
  });
  beforeEach(() => { qq.reset(); });

  /** Posts a villager's QQ message and waits until jifen has dealt with it; returns its message id. */
  async function fromQq(post: QqPost): Promise<string> {
    const body = qqEvent(post);
    const response = await postToQq(jifen, body);
    expect(response.json()).toEqual({ op: 12 });
    // processedAt is null until then, and waitFor takes any value but undefined and false.
    await jifen.waitFor(async () => (await lastInbound(jifen.context, post.from))?.processedAt ?? false, `"${post.content}" processed`);
    return (JSON.parse(body) as { d: { id: string } }).d.id;
  }

  /** The replies the fake platform took, to one message id, in order. */
  const repliesTo = (msgId: string) => qq.messages().map((r) => r.body as { content: string; msg_id: string; msg_seq: number })
    .filter((body) => body.msg_id === msgId);

  it('an unknown QQ user binds their number by SMS code, then claims on QQ; answers are passive replies', async () => {
    const hello = await fromQq({ from: villager, content: '你好' });
    const [prompt] = await jifen.waitFor(async () => repliesTo(hello).length > 0 && repliesTo(hello), 'the binding prompt');
    expect(prompt).toMatchObject({ msg_seq: 1, content: expect.stringContaining('绑定后就能用QQ申报积分') });
    expect(qq.requests[0]!.path).toBe('/app/getAppAccessToken');

    const asked = await fromQq({ from: villager, content: '13900020016' });
    await jifen.waitFor(async () => repliesTo(asked).length > 0, 'the code sent');
    const [binding] = await jifen.context.db.select().from(wechatBindings).where(and(eq(wechatBindings.channel, 'qq'), eq(wechatBindings.address, villager)));
    expect(await jifen.outbox(phone)).toEqual([`您的QQ绑定验证码：${binding!.code}，10分钟内有效。不是您本人操作请忽略`]);
    await fromQq({ from: villager, content: binding!.code });
    const [member] = await jifen.context.db.select().from(members).where(eq(members.phone, phone));
    expect(member!.qq).toBe(villager);

    await fromQq({ from: villager, content: '今天把院坝扫干净了' });
    const reference = await referenceSentTo(jifen, people.liuFang);
    await jifen.sms(people.liuFang, `同意 ${reference}`);
    // The claim's notices come later than its message (after review): jifen cannot start a conversation on QQ, so they go to the phone.
    await jifen.waitFor(async () => (await jifen.outbox(phone)).includes('已入账 +2分，当前余额 2分'), 'the posting notice by SMS');
  });

  it('a group @-mention from a cadre bound on QQ: 待审 answered in the group, as one message', async () => {
    const cadre = 'group:C9F778FE6ADF9D1D1DBE395BF744A33A:0BB3C2A6B3C3D5E6F7A8B9C0D1E2F3A4';
    await jifen.context.db.update(cadres).set({ qq: cadre }).where(eq(cadres.phone, people.zhangMing));
    await jifen.sms('+8613900020017', '参加了院坝会');
    await referenceSentTo(jifen, people.liuFang, 2);
    const asked = await fromQq({ from: cadre, content: '待审' });
    const [list] = await jifen.waitFor(async () => repliesTo(asked).length > 0 && repliesTo(asked), 'the list in the group');
    expect(list!.content).toMatch(/^待审 1 条：1）\d{4} 蒋开元家 /);
    expect(qq.messages().at(-1)!.path).toBe('/v2/groups/C9F778FE6ADF9D1D1DBE395BF744A33A/messages');
  });

  it('the same event delivered twice is one message and one answer', async () => {
    const body = qqEvent({ from: villager, content: '查积分' });
    const id = (JSON.parse(body) as { d: { id: string } }).d.id;
    expect((await postToQq(jifen, body)).json()).toEqual({ op: 12 });
    expect((await postToQq(jifen, body)).json()).toEqual({ op: 12 });
    await jifen.waitFor(async () => repliesTo(id).length > 0, 'the answer');
    const stored = await jifen.context.db.select().from(inboundMessages).where(eq(inboundMessages.externalId, id));
    expect(stored).toHaveLength(1);
    const answers = await jifen.context.db.select().from(outboundMessages).where(eq(outboundMessages.address, villager));
    expect(answers.filter((a) => a.replyTo?.id === id)).toHaveLength(1);
  });

  it('a forged event is refused and stores nothing', async () => {
    const body = qqEvent({ from: villager, content: '今天把院坝扫干净了' });
    const response = await postToQq(jifen, body, qqKeys('NotTheBotSecret'));
    expect(response.statusCode).toBe(403);
    const id = (JSON.parse(body) as { d: { id: string } }).d.id;
    expect(await jifen.context.db.select().from(inboundMessages).where(eq(inboundMessages.externalId, id))).toHaveLength(0);
  });

  it('an answer past the reply window goes to the phone instead', async () => {
    const late = await fromQq({ from: villager, content: '查积分', at: new Date(Date.now() - 2 * 3600_000) });
    await jifen.waitFor(async () => (await jifen.outbox(phone)).some((t) => t.startsWith('FNP-016 当前积分余额')), 'the balance by SMS');
    const [refused] = await jifen.context.db.select().from(outboundMessages).where(eq(outboundMessages.address, villager)).orderBy(outboundMessages.id).then((rows) => rows.filter((r) => r.replyTo?.id === late));
    expect(refused).toMatchObject({ channel: 'qq', status: 'failed', fallbackChannel: 'sms', fallbackAddress: phone });
    expect(repliesTo(late)).toHaveLength(0);
  });
});
