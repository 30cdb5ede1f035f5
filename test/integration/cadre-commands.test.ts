import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { cadres, catalogueItems, claims, households, rules } from '../../src/db/schema/index.ts';
import { householdBalance } from '../../src/ledger/balance.ts';
import { deduct } from '../../src/ledger/deduction.ts';
import { verifyLedger } from '../../src/ledger/verify.ts';
import { redeem } from '../../src/supermarket/redeem.ts';
import { declareOrally } from '../../src/claims/declare.ts';
import { testBackend } from '../support/backend.ts';
import { lastInbound, people, referenceSentTo, startJifen, type Harness } from '../support/jifen.ts';
import { award as awardPoints, say } from '../support/records.ts';

describe(`cadres' commands by SMS (${testBackend})`, () => {
  let jifen: Harness;
  beforeAll(async () => { jifen = await startJifen({ config: { apiToken: 'api-test-token' } }); });
  afterAll(async () => { await jifen?.close(); });

  const command = (cadre: string, text: string) => say(jifen, cadre, text);
  const award = (code: string, points: number) => awardPoints(jifen.context, code, points);

  it('全部同意 approves every claim waiting, never the cadre\'s own household\'s', async () => {
    await jifen.sms('+8613900020011', '参加了院坝会'); // FNP-011
    await jifen.sms('+8613900020013', '去开了院坝会'); // FNP-013
    await jifen.sms(people.wangZhiqiang, '参加了院坝会'); // FNP-023, 王建国's own household
    await referenceSentTo(jifen, people.liuFang, 3);
    // The two claims were sent at once: either may have been recorded first.
    const listed = await command(people.wangJianguo, '待审');
    expect(listed).toMatch(/^待审 2 条：1）\d{4} \S+家 参加村民大会或院坝会\+2；2）\d{4} \S+家 参加村民大会或院坝会\+2$/);
    expect(listed.replace(/^待审 2 条：/, '').split('；').map((line) => line.replace(/^\d）\d{4} /, '')).sort())
      .toEqual(['罗明秀家 参加村民大会或院坝会+2', '谭应春家 参加村民大会或院坝会+2']);
    expect(await command(people.wangJianguo, '全部同意')).toBe('已同意 2 条申报；另有 1 条是您自家的，须由其他村干部审核');
    // both postings are their own jobs, finished in either order
    for (const household of ['FNP-011', 'FNP-013']) {
      await jifen.waitFor(async () => (await householdBalance(jifen.context.db, household)).balance === 2, `the posting for ${household}`);
    }
    expect((await householdBalance(jifen.context.db, 'FNP-023')).balance).toBe(0);
  });

  it('代报 records a claim for a household, entered by the cadre, and sends it to review', async () => {
    expect(await command(people.liuFang, '代报 FNP-021 参加了院坝会')).toBe('已为 FNP-021 代报：参加村民大会或院坝会，将按流程审核');
    const message = await lastInbound(jifen.context, people.liuFang);
    const [claim] = await jifen.context.db.select().from(claims).where(eq(claims.sourceMessageId, message!.id));
    expect(claim).toMatchObject({ enteredBy: expect.any(Number) });
    await jifen.waitFor(async () => (await jifen.context.db.select().from(claims).where(eq(claims.id, claim!.id)))[0]!.state === 'awaiting_review', 'review');
    expect(await command(people.liuFang, '代报 庭院卫生')).toBe('请写明是哪一户，如「代报 FNP-003 庭院卫生」');
  });

  it('jifen declare takes the same path and answers the cadre by SMS', async () => {
    const { messageId } = await declareOrally(jifen.context, { cadrePhone: people.zhangMing, household: 'FNP-022', text: '交了医保' });
    await jifen.waitFor(async () => (await jifen.outbox(people.zhangMing)).includes('已为 FNP-022 代报：按时缴纳城乡居民医保和养老保险，将按流程审核'), 'the confirmation');
    const [claim] = await jifen.context.db.select().from(claims).where(eq(claims.sourceMessageId, messageId!));
    expect(claim).toMatchObject({ householdId: expect.any(Number), enteredBy: expect.any(Number) });
    await jifen.waitFor(async () => (await jifen.outbox(people.liuFang)).some((t) => t.includes('FNP-022 陈仕华家')), 'the review request');
  });

  it('the same over the API, with its bearer token', async () => {
    const declare = (payload: object, token = 'api-test-token') => jifen.app.inject({
      method: 'POST', url: '/api/declarations', payload, headers: { authorization: `Bearer ${token}` },
    });
    const accepted = await declare({ household: 'FNP-028', text: '参加了院坝会', cadre: people.zhangMing });
    expect(accepted.statusCode).toBe(202);
    await jifen.waitFor(async () => (await jifen.outbox(people.zhangMing)).includes('已为 FNP-028 代报：参加村民大会或院坝会，将按流程审核'), 'the confirmation');
    // its review request reaches 刘芳 (she reviews first) now, not in the middle of the next test
    await jifen.waitFor(async () => (await jifen.outbox(people.liuFang)).some((t) => t.includes('FNP-028 黄大勇家')), 'the review request');
    expect((await declare({ household: 'FNP-028', text: '院坝会', cadre: people.zhangMing }, 'wrong')).statusCode).toBe(401);
    expect((await declare({ household: 'FNP-999', text: '院坝会', cadre: people.zhangMing })).statusCode).toBe(404);
    expect((await declare({ household: 'FNP-028', cadre: people.zhangMing })).statusCode).toBe(400);
  });

  it('扣分 takes points from the negative list, never below zero, and tells the household why', async () => {
    await award('FNP-024', 3);
    const first = await command(people.liuFang, '扣分 FNP-024 N01');
    expect(first).toMatch(/^已记录 FNP-024 扣分：乱倒垃圾、乱堆乱放 -2分（编号\d{4}）。当前余额 1分$/);
    const reference = /编号(\d{4})/.exec(first)![1];
    expect(await jifen.outbox('+8613900020024')).toEqual([`您家因乱倒垃圾、乱堆乱放 -2分（编号${reference}）被扣分，当前余额 1分。有异议请回复「申诉 编号 原因」`]);
    expect(await command(people.liuFang, '李月娥家焚烧秸秆')).toMatch(/^已记录 FNP-024 扣分：焚烧秸秆或垃圾 -1分（应扣3分，余额不足）（编号\d{4}）。当前余额 0分$/);
    expect(await command(people.ranDebing, '扣分 FNP-024 N01')).toBe('您没有记录扣分的权限，请联系综合专干');
    expect(await command(people.liuFang, 'FNP-024 乱倒垃圾 扣5分')).toBe('「乱倒垃圾、乱堆乱放」按清单扣2分，不是5分，未记录。确认请发「扣分 FNP-024 N01」');
    expect((await verifyLedger(jifen.context.db)).ok).toBe(true);
  });

  it('兑换 checks points and stock together; an overdraft or oversell changes nothing', async () => {
    await award('FNP-025', 500);
    const done = await command(people.ranDebing, '兑换 FNP-025 S04 2');
    expect(done).toMatch(/^已为 FNP-025 兑换 肥皂×2，共 6分，余额 494分，兑换号\d+$/);
    expect(await jifen.outbox('+8613900020025')).toEqual([`您家在积分超市兑换了 肥皂×2，扣 6分，余额 494分（兑换号${/兑换号(\d+)/.exec(done)![1]}）`]);
    expect(await command(people.ranDebing, '兑换 FNP-025 S12 16')).toBe('保温水壶 库存只剩 15，未兑换');
    expect(await command(people.ranDebing, '兑换 FNP-026 S02 1')).toBe('FNP-026 余额 0分，不够兑换（需 50分），未兑换');
    expect(await command(people.zhangMing, '兑换 FNP-025 S04 1')).toBe('您没有登记兑换的权限，请联系积分超市管理员');
    const [soap] = await jifen.context.db.select().from(catalogueItems).where(eq(catalogueItems.code, 'S04'));
    expect(soap!.stock).toBe(98);
    expect((await householdBalance(jifen.context.db, 'FNP-025')).balance).toBe(494);
    expect((await verifyLedger(jifen.context.db)).ok).toBe(true);
  });

  it('a deduction or redemption recorded again under its key (a job run twice) takes once', async () => {
    await award('FNP-027', 20);
    const [household] = await jifen.context.db.select().from(households).where(eq(households.code, 'FNP-027'));
    const [n02] = await jifen.context.db.select().from(rules).where(eq(rules.code, 'N02'));
    const [cadre] = await jifen.context.db.select().from(cadres).where(eq(cadres.phone, people.liuFang));
    const record = () => jifen.context.db.transaction((tx) => deduct(tx, { household: household!, rule: n02!, key: 'test-deduction-27', cadreId: cadre!.id }));
    const first = await record();
    expect(first).toMatchObject({ pointsListed: 3, pointsTaken: 3, state: 'recorded' });
    expect(await record()).toEqual(first);
    const redeemed = await redeem(jifen.context.db, household!, [{ code: 'S06', quantity: 1 }], 'test-redemption-27');
    const again = await redeem(jifen.context.db, household!, [{ code: 'S06', quantity: 1 }], 'test-redemption-27');
    expect(again).toEqual(redeemed);
    expect((await householdBalance(jifen.context.db, 'FNP-027')).balance).toBe(20 - 3 - 5);
    const [toothpaste] = await jifen.context.db.select().from(catalogueItems).where(eq(catalogueItems.code, 'S06'));
    expect(toothpaste!.stock).toBe(79);
  });

  it('anything else gets the list of commands, not a guess', async () => {
    expect(await command(people.zhangMing, '今天开会几点')).toMatch(/^审核：「同意 编号」/);
  });
});
