import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { claims, inboundMessages, outboundMessages, type Claim } from '../../src/db/schema/index.ts';
import { householdBalance } from '../../src/ledger/balance.ts';
import { UnrecoverableError } from 'bullmq';
import { sweepUnqueued } from '../../src/messages/inbound.ts';
import { injectFaults } from '../../src/plans/faults.ts';
import { createQueueBackend } from '../../src/queue/backend.ts';
import { JobsClient } from '../../src/queue/jobs-client.ts';
import { testBackend } from '../support/backend.ts';
import { lastInbound, people, startJifen, type Harness } from '../support/jifen.ts';

describe(`bad input and odd replies lose nothing and double nothing (${testBackend})`, () => {
  let jifen: Harness;
  beforeAll(async () => { jifen = await startJifen(); });
  afterAll(async () => { await jifen?.close(); });

  const outcomeOf = (from: string) => jifen.waitFor(async () => (await lastInbound(jifen.context, from))?.outcome ?? undefined, `outcome for ${from}`);
  const claimOf = (sid: string) => jifen.waitFor(async () => {
    const [row] = await jifen.context.db.select({ claim: claims }).from(claims)
      .innerJoin(inboundMessages, eq(inboundMessages.id, claims.sourceMessageId)).where(eq(inboundMessages.externalId, sid));
    return row?.claim;
  }, `claim of ${sid}`);
  const claimInState = (sid: string, state: Claim['state']) => jifen.waitFor(async () => {
    const claim = await claimOf(sid);
    return claim.state === state && claim;
  }, `claim ${sid} ${state}`);

  it('a duplicate delivery of the same MessageSid is stored once and claimed once', async () => {
    const first = await jifen.sms(people.chenChangjiang, '参加了村里的院坝会');
    const again = await jifen.sms(people.chenChangjiang, '参加了村里的院坝会', { MessageSid: first.sid });
    expect([first.status, again.status]).toEqual([200, 200]);
    const claim = await claimInState(first.sid, 'awaiting_review');
    const stored = await jifen.context.db.select().from(inboundMessages).where(eq(inboundMessages.externalId, first.sid));
    expect(stored).toHaveLength(1);
    await jifen.waitFor(async () => (await jifen.outbox(people.chenChangjiang)).length > 0, 'the acknowledgement');
    expect(await jifen.outbox(people.chenChangjiang)).toHaveLength(1);

    await jifen.sms(people.liuFang, `驳回 ${claim.reference} 当天没有开会`);
    await claimInState(first.sid, 'rejected');
    await jifen.waitFor(async () => (await jifen.outbox(people.chenChangjiang)).length === 2, 'rejection notice');
    expect((await jifen.outbox(people.chenChangjiang))[1]).toBe('您申报的「参加村民大会或院坝会」未通过审核：当天没有开会');
    await jifen.waitFor(async () => (await jifen.outbox(people.liuFang)).includes(`已驳回 ${claim.reference}，已告知村民`), 'the cadre\'s confirmation');
  });

  it('an unregistered number gets one polite reply a day (Shanghai time), however often it writes', async () => {
    // Fixed instants around midnight in Shanghai (16:00 UTC): the test means the same whenever it runs.
    await jifen.smsAt(new Date('2026-03-01T15:59:58Z'), people.stranger, '你好');
    await jifen.smsAt(new Date('2026-03-01T15:59:59Z'), people.stranger, '我想申报积分');
    const processed = (count: number) => jifen.waitFor(async () => {
      const rows = await jifen.context.db.select().from(inboundMessages).where(eq(inboundMessages.sender, people.stranger));
      return rows.length === count && rows.every((row) => row.outcome === 'unknown_sender');
    }, `${count} stranger messages processed`);
    await processed(2);
    expect(await jifen.outbox(people.stranger)).toEqual(['您的号码未登记，请联系村综合专干']);
    // answered from the number the stranger wrote to
    const [answer] = await jifen.context.db.select().from(outboundMessages).where(eq(outboundMessages.address, people.stranger));
    expect(answer!.sender).toBe('+8613900009999');
    // Two seconds later it is the next day in Shanghai (still the same day in UTC): one more reply.
    await jifen.smsAt(new Date('2026-03-01T16:00:01Z'), people.stranger, '在吗');
    await processed(3);
    expect(await jifen.outbox(people.stranger)).toEqual(Array(2).fill('您的号码未登记，请联系村综合专干'));
  });

  it.each([
    ['empty text', '', 'empty', '请用文字说明您做了哪项，如「庭院卫生」或项目编号「5」'],
    ['emoji only', '👍🙏🌾', 'empty', '请用文字说明您做了哪项，如「庭院卫生」或项目编号「5」'],
    ['5,000 characters', '今天把院坝扫干净了'.repeat(556).slice(0, 5000), 'too_long', '消息太长了，请用一两句话说明做了哪项，如「今天打扫了院坝」'],
    ['chat', '你们吃饭了没得', 'small_talk', '您好！申报积分请直接说做了什么，如「打扫了院坝」；发「帮助」看全部项目，发「查积分」看余额'],
    ['a villager "同意" approves nothing', '同意 1234', 'not_understood', '没看懂您申报的项目。请发项目名称或编号，如「庭院卫生」或「5」；发「帮助」看全部项目'],
  ])('%s gets a sensible answer and no claim', async (_label, body, outcome, reply) => {
    const before = await jifen.outbox(people.wangLanying);
    const sent = await jifen.sms(people.wangLanying, body);
    expect(sent.status).toBe(200);
    expect(await outcomeOf(people.wangLanying)).toBe(outcome);
    const [stored] = await jifen.context.db.select().from(inboundMessages).where(eq(inboundMessages.externalId, sent.sid));
    expect(stored!.text).toBe(body);
    await jifen.waitFor(async () => (await jifen.outbox(people.wangLanying)).length === before.length + 1, 'the answer');
    expect((await jifen.outbox(people.wangLanying)).at(-1)).toBe(reply);
    const fromHer = await jifen.context.db.select().from(claims).where(eq(claims.sourceMessageId, stored!.id));
    expect(fromHer).toEqual([]);
  });

  it('a cadre may not approve a claim of their own household; another cadre may, with a bare "1"', async () => {
    const sent = await jifen.sms(people.wangZhiqiang, '申报9');
    const claim = await claimInState(sent.sid, 'awaiting_review');
    // 刘芳 reviews first and is asked; 王建国 lives in FNP-023: he is never asked, and his "同意" is refused.
    const asked = (cadre: string) => async () => (await jifen.outbox(cadre)).some((t) => t.includes(`待审 ${claim.reference}`));
    await jifen.waitFor(asked(people.liuFang), 'the review request to 刘芳');
    expect(await asked(people.zhangMing)()).toBe(false);
    expect(await asked(people.wangJianguo)()).toBe(false);
    await jifen.sms(people.wangJianguo, `同意 ${claim.reference}`);
    expect(await outcomeOf(people.wangJianguo)).toBe('own_household');
    expect(await jifen.outbox(people.wangJianguo)).toContain(`申报 ${claim.reference} 是您自家的，须由其他村干部审核`);
    expect((await claimOf(sent.sid)).state).toBe('awaiting_review');

    await jifen.sms(people.ranDebing, `同意 ${claim.reference}`);
    expect(await outcomeOf(people.ranDebing)).toBe('not_approver');

    await jifen.sms(people.zhangMing, '1');
    await claimInState(sent.sid, 'posted');
    expect(await householdBalance(jifen.context.db, 'FNP-023')).toEqual({ household: 'FNP-023', balance: 3, lifetime: 3 });
    // The confirmation is recorded after the decision commits (and after the posting is queued):
    // wait for it here, or it lands in 张明's outbox during the next test.
    expect(await outcomeOf(people.zhangMing)).toBe('approved');
    expect((await jifen.outbox(people.zhangMing)).at(-1)).toBe(`已同意 ${claim.reference}，积分将入账`);
  });

  it('"1" with several claims waiting asks which one; an unknown reference is named', async () => {
    const a = await jifen.sms(people.wangLanying, '门前三包做了');
    const b = await jifen.sms(people.chenChangjiang, '垃圾分类投放');
    const [claimA, claimB] = [await claimInState(a.sid, 'awaiting_review'), await claimInState(b.sid, 'awaiting_review')];
    // Both review requests reach 刘芳 (she reviews first), none 张明; any approver may still decide.
    for (const { reference } of [claimA, claimB]) {
      await jifen.waitFor(async () => (await jifen.outbox(people.liuFang)).some((t) => t.includes(`待审 ${reference}`)), `the review request for ${reference} to 刘芳`);
    }
    expect((await jifen.outbox(people.zhangMing)).some((t) => t.startsWith('【'))).toBe(false);
    await jifen.sms(people.zhangMing, '1');
    expect(await outcomeOf(people.zhangMing)).toBe('ambiguous');
    expect((await jifen.outbox(people.zhangMing)).at(-1)).toBe('您有2条待审申报，请回复「同意 编号」或「驳回 编号 原因」');
    const unused = [1000, 1001, 1002].find((r) => r !== claimA.reference && r !== claimB.reference)!;
    await jifen.sms(people.zhangMing, `同意 ${unused}`);
    await jifen.waitFor(async () => (await jifen.outbox(people.zhangMing)).includes(`没有待审的申报 ${unused}，请核对编号`), 'unknown reference answer');
    await jifen.sms(people.zhangMing, `同意 ${claimA.reference}`);
    await jifen.sms(people.liuFang, `驳回 ${claimB.reference}`);
    await claimInState(a.sid, 'posted');
    await claimInState(b.sid, 'rejected');
    // A cadre's decision is closed only after the confirmation to the cadre is recorded: nothing of it is left for the next test.
    expect(await outcomeOf(people.zhangMing)).toBe('approved');
    expect(await outcomeOf(people.liuFang)).toBe('rejected');
  });

  it('a second 庭院卫生 in the same week (Shanghai time) is refused by the cap, with the reason; the next week counts again', async () => {
    // 2026-03-01 is a Sunday: 23:59 in Shanghai is ISO week 9, a minute later Monday of week 10.
    const first = await jifen.smsAt(new Date('2026-03-01T15:58:00Z'), people.wangLanying, '院坝扫干净了');
    const claim = await claimInState(first.sid, 'awaiting_review');
    const second = await jifen.smsAt(new Date('2026-03-01T15:59:00Z'), people.wangLanying, '今天又扫了院坝');
    const refused = await claimInState(second.sid, 'invalid');
    expect(refused.reason).toBe('「庭院卫生整洁」每周最多申报1次，您家已申报过，本次不计分');
    await jifen.waitFor(async () => (await jifen.outbox(people.wangLanying)).includes(refused.reason!), 'cap notice');
    const nextWeek = await jifen.smsAt(new Date('2026-03-01T16:01:00Z'), people.wangLanying, '院坝又扫了一遍');
    const counted = await claimInState(nextWeek.sid, 'awaiting_review');
    expect([claim.periodKey, counted.periodKey]).toEqual(['2026-W09', '2026-W10']);
    await jifen.sms(people.liuFang, `同意 ${claim.reference}`);
    await claimInState(first.sid, 'posted');
    expect(await outcomeOf(people.liuFang)).toBe('approved');
    await jifen.sms(people.liuFang, `同意 ${counted.reference}`);
    await claimInState(nextWeek.sid, 'posted');
    expect(await outcomeOf(people.liuFang)).toBe('approved');
  });

  it('a message whose stage fails for good is closed with the reason, not left unprocessed', async () => {
    // Its one transaction fails for good before it commits: nothing of it is kept but the reason.
    injectFaults(() => { throw new UnrecoverableError('refused for this test'); });
    try {
      const [stored] = await jifen.context.db.insert(inboundMessages).values({
        channel: 'sms', externalId: `SMrefused${Date.now()}`, sender: people.wangLanying, text: '参加了院坝会', raw: {},
      }).returning();
      await jifen.context.jobs.enqueue({ name: 'intake', data: { messageId: stored!.id } });
      const outcome = await jifen.waitFor(async () => {
        const [row] = await jifen.context.db.select().from(inboundMessages).where(eq(inboundMessages.id, stored!.id));
        return row?.outcome ?? undefined;
      }, 'the failure outcome');
      expect(outcome).toBe('failed: intake: refused for this test');
      expect(await jifen.context.db.select().from(claims).where(eq(claims.sourceMessageId, stored!.id))).toEqual([]);
    } finally {
      injectFaults(undefined);
    }
  });

  it('with the queue unreachable the webhook still stores and answers; the sweeper queues it when the queue is back', async () => {
    const { context } = jifen;
    const working = context.jobs;
    const dead = new JobsClient(await createQueueBackend({ ...context.config, redisUrl: 'redis://127.0.0.1:1' }, context.database.url));
    context.jobs = dead;
    try {
      const sent = await jifen.sms(people.chenChangjiang, '今天参加了志愿服务活动');
      expect(sent.status).toBe(200);
      const [stored] = await context.db.select().from(inboundMessages).where(eq(inboundMessages.externalId, sent.sid));
      expect(stored!.queuedAt).toBeNull();
      context.jobs = working;
      // This sweep, or the workers' own periodic one if it got there first, queues the stored message.
      await sweepUnqueued(context, 0);
      await jifen.waitFor(async () => {
        const [row] = await context.db.select().from(inboundMessages).where(eq(inboundMessages.externalId, sent.sid));
        return row!.queuedAt !== null;
      }, 'the stored message to be queued');
      await claimInState(sent.sid, 'awaiting_review');
    } finally {
      context.jobs = working;
      await dead.close();
    }
    const waiting = await context.db.select().from(claims).where(and(eq(claims.state, 'awaiting_review')));
    for (const claim of waiting) await jifen.sms(people.liuFang, `同意 ${claim.reference}`);
  });
});
