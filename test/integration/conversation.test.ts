import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { claims, conversations, optOuts, rules } from '../../src/db/schema/index.ts';
import { testBackend } from '../support/backend.ts';
import { importVillage } from '../../src/village/import.ts';
import { readVillageFile } from '../../src/village/village-file.ts';
import { EXAMPLE_VILLAGE, lastInbound, people, referenceSentTo, startJifen, type Harness } from '../support/jifen.ts';

/** Households of the example village the tests write as, one per test so they never share state. */
const villagers = {
  yangGuifang: '+8613900020001', // FNP-001
  liShulin: '+8613900020004', // FNP-004
  zhangJianping: '+8613900020005', // FNP-005
  liuShuzhen: '+8613900020006', // FNP-006
  yangXiaojun: '+8613900020007', // FNP-007
  huangHongmei: '+8613900020008', // FNP-008
  zhouDeming: '+8613900020009', // FNP-009
  wuYongfu: '+8613900020010', // FNP-010
  luoMingxiu: '+8613900020011', // FNP-011
  heShiyou: '+8613900020012', // FNP-012
};

describe(`villagers talk with jifen (${testBackend})`, () => {
  let jifen: Harness;
  beforeAll(async () => { jifen = await startJifen(); });
  afterAll(async () => { await jifen?.close(); });

  /** Sends an SMS and waits until jifen has answered it (the reply recorded after the message was processed). */
  async function say(from: string, text: string): Promise<string> {
    const before = (await jifen.outbox(from)).length;
    await jifen.sms(from, text);
    await jifen.waitFor(async () => (await lastInbound(jifen.context, from))?.processedAt, `"${text}" processed`);
    const outbox = await jifen.waitFor(async () => { const o = await jifen.outbox(from); return o.length > before && o; }, `the answer to "${text}"`);
    return outbox.at(-1)!;
  }

  async function claimCodes(from: string): Promise<Array<{ code: string; text: string; state: string }>> {
    const message = await lastInbound(jifen.context, from);
    const rows = await jifen.context.db.select({ code: rules.code, text: claims.text, state: claims.state }).from(claims)
      .innerJoin(rules, eq(rules.id, claims.ruleId)).where(eq(claims.sourceMessageId, message!.id)).orderBy(rules.code);
    return rows;
  }

  it('a vague claim gets a numbered menu; a digit picks the item and the claim goes to review', async () => {
    expect(await say(villagers.yangGuifang, '今天打扫卫生了')).toBe('您申报的是哪一项？1 庭院卫生整洁 2 室内卫生整洁、物品摆放有序 3 门前清洁，请回复数字');
    expect(await claimCodes(villagers.yangGuifang)).toEqual([]);
    await jifen.sms(villagers.yangGuifang, '2');
    await referenceSentTo(jifen, people.liuFang);
    const picked = await claimCodes(villagers.yangGuifang);
    expect(picked.map((c) => c.code)).toEqual(['P06']);
    expect(picked[0]!.text).toBe('今天打扫卫生了');
  });

  it('after the question expires, a digit is an item number again', async () => {
    await say(villagers.luoMingxiu, '搞卫生');
    await jifen.context.db.update(conversations).set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(conversations.messageId, (await lastInbound(jifen.context, villagers.luoMingxiu))!.id));
    await jifen.sms(villagers.luoMingxiu, '2');
    await jifen.waitFor(async () => (await claimCodes(villagers.luoMingxiu)).length === 1, 'the claim');
    expect((await claimCodes(villagers.luoMingxiu)).map((c) => c.code)).toEqual(['P02']);
  });

  it('a digit outside the menu asks again; 取消 drops the question', async () => {
    await say(villagers.liShulin, '打扫卫生');
    expect(await say(villagers.liShulin, '7')).toBe('请回复 1 到 3 之间的数字；不申报了回复「取消」');
    expect(await say(villagers.liShulin, '取消')).toBe('好的，这次不申报了');
    const [open] = await jifen.context.db.select().from(conversations).where(and(eq(conversations.closedBy, (await lastInbound(jifen.context, villagers.liShulin))!.id)));
    expect(open).toBeDefined();
  });

  it('an item that needs evidence asks for it, and the answer completes the claim', async () => {
    expect(await say(villagers.zhangJianping, '好人好事')).toBe('「帮助邻里、做好人好事」需要写明帮助了谁，请直接回复说明');
    await jifen.sms(villagers.zhangJianping, '帮隔壁王婆婆挑了水');
    await jifen.waitFor(async () => (await claimCodes(villagers.zhangJianping)).length === 1, 'the claim');
    expect(await claimCodes(villagers.zhangJianping)).toMatchObject([{ code: 'P12', text: '好人好事；帮隔壁王婆婆挑了水' }]);
    // the cadre reads what the villager wrote, to check whom they helped
    await jifen.waitFor(async () => (await jifen.outbox(people.liuFang)).some((t) => t.includes('张建平家 申报 帮助邻里做好事 +3分（村民说：好人好事；帮隔壁王婆婆挑了水）')), 'the review request with the evidence');
  });

  it('one message can claim several items, each its own claim', async () => {
    await jifen.sms(villagers.liuShuzhen, '今天扫了院坝，还帮邻居李大爷收了苞谷');
    await jifen.waitFor(async () => (await claimCodes(villagers.liuShuzhen)).length === 2, 'two claims');
    expect((await claimCodes(villagers.liuShuzhen)).map((c) => c.code)).toEqual(['P05', 'P12']);
    // both go to review: the village's first reviewer, 刘芳, is asked about each
    await jifen.waitFor(async () => (await jifen.outbox(people.liuFang)).filter((t) => t.includes('FNP-006 刘淑珍家')).length === 2, 'both review requests');
  });

  it('取消 withdraws the latest claim not yet decided', async () => {
    await jifen.sms(villagers.yangXiaojun, '参加了院坝会');
    await jifen.waitFor(async () => (await jifen.outbox(villagers.yangXiaojun)).some((t) => t.startsWith('已收到')), 'the acknowledgement');
    expect(await say(villagers.yangXiaojun, '刚才那条发错了，取消')).toBe('已取消您申报的「参加村民大会或院坝会」');
    const [claim] = await jifen.context.db.select({ state: claims.state }).from(claims)
      .innerJoin(rules, eq(rules.id, claims.ruleId)).where(eq(rules.code, 'P03'));
    expect(claim!.state).toBe('cancelled');
    expect(await say(villagers.yangXiaojun, '取消')).toBe('没有可以取消的申报（已审核的不能取消，请联系村干部）');
  });

  it('TD opts out with one confirmation; 订阅 opts back in', async () => {
    expect(await say(villagers.huangHongmei, 'TD')).toBe('已退订，今后不再给您发通知；发「订阅」可恢复。申报和查积分照常可用');
    await jifen.sms(villagers.huangHongmei, '退订');
    await jifen.waitFor(async () => (await lastInbound(jifen.context, villagers.huangHongmei))?.outcome === 'optout', 'the second TD processed');
    expect((await jifen.outbox(villagers.huangHongmei)).length).toBe(1);
    expect(await jifen.context.db.select().from(optOuts).where(eq(optOuts.address, villagers.huangHongmei))).toHaveLength(1);
    expect(await say(villagers.huangHongmei, '订阅')).toBe('已恢复订阅，您会照常收到积分通知');
    expect(await jifen.context.db.select().from(optOuts).where(eq(optOuts.address, villagers.huangHongmei))).toHaveLength(0);
  });

  it.each([
    ['帮助', /^本村积分项目（回复编号即可申报）：1 熟知医疗扶贫政策，2 熟知教育资助政策，3 参加村民大会或院坝会，/],
    ['积分可以换什么', /^积分超市可换：洗衣粉10分、食用油50分、/],
    ['我家有好多分了', /^FNP-009 当前积分余额 0分，累计获得 0分$/],
    ['你好', /^您好！申报积分请直接说做了什么/],
    ['我家母猪生了8个崽', /^没看懂您申报的项目/],
    ['30', /^没有这个项目编号/],
  ])('%s gets its answer', async (text, expected) => {
    expect(await say(villagers.zhouDeming, text)).toMatch(expected);
  });

  it('a re-import with a rule\'s new words is understood at once', async () => {
    expect(await say(villagers.heShiyou, '今天参加了除四害')).toMatch(/^没看懂/);
    const file = await readVillageFile(EXAMPLE_VILLAGE);
    const p09 = file.rules.find((rule) => rule.code === 'P09')!;
    p09.keywords = [...(p09.keywords ?? []), '除四害'];
    await importVillage(jifen.context.db, file);
    await jifen.sms(villagers.heShiyou, '今天参加了除四害');
    await jifen.waitFor(async () => (await claimCodes(villagers.heShiyou)).length === 1, 'the claim');
    expect((await claimCodes(villagers.heShiyou)).map((c) => c.code)).toEqual(['P09']);
  });

  it('a dialect claim by number and by words of another style is understood', async () => {
    await jifen.sms(villagers.wuYongfu, '屋头收拾得巴适得很');
    await jifen.waitFor(async () => (await claimCodes(villagers.wuYongfu)).length === 1, 'the claim');
    expect((await claimCodes(villagers.wuYongfu)).map((c) => c.code)).toEqual(['P06']);
    await jifen.sms(villagers.wuYongfu, '第八项');
    await jifen.waitFor(async () => (await claimCodes(villagers.wuYongfu)).length === 1 && (await claimCodes(villagers.wuYongfu))[0]!.code === 'P08', 'the numbered claim');
  });
});
