import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Queue } from 'bullmq';
import { PDFParse } from 'pdf-parse';
import { and, eq, sql } from 'drizzle-orm';
import { claimEvents, claims, reviewApprovals, villages, type Claim, type VillageSettings } from '../../src/db/schema/index.ts';
import { householdBalance } from '../../src/ledger/balance.ts';
import { followUpOverdue } from '../../src/reviews/follow-up.ts';
import { reviewFollowUpSchedulerId } from '../../src/queue/jobs.ts';
import { testBackend } from '../support/backend.ts';
import { lastInbound, people, startJifen, type Harness } from '../support/jifen.ts';

const HOUR_MS = 3_600_000;
/** Villagers of the example village (household heads, SMS). */
const villager = { liShulin: '+8613900020004', zhouDeming: '+8613900020009', heShiyou: '+8613900020012', wuYongfu: '+8613900020010' };

describe(`cadre review: first reviewers, reminders, two approvers, publicity (${testBackend})`, () => {
  let jifen: Harness;
  beforeAll(async () => { jifen = await startJifen(); });
  afterAll(async () => { await jifen?.close(); });

  const pipeline = () => jifen.context.jobs.pipeline as unknown as Queue;

  async function settle(settings: Partial<VillageSettings>) {
    await jifen.context.db.update(villages).set({ settings: sql`${villages.settings} || ${JSON.stringify(settings)}::jsonb` }).where(eq(villages.code, 'fangniuping'));
  }

  /** Sends an SMS and returns jifen's last answer to the sender once the message is processed. */
  async function say(from: string, text: string): Promise<string> {
    await jifen.sms(from, text);
    await jifen.waitFor(async () => {
      const last = await lastInbound(jifen.context, from);
      return last?.text === text && last.processedAt !== null;
    }, `"${text}" processed`);
    const message = (await lastInbound(jifen.context, from))!;
    return jifen.waitFor(async () => {
      const [reply] = await jifen.context.db.execute<{ text: string }>(sql`select text from jifen.outbound_messages where dedupe_key like ${`message-${message.id}-reply%`} order by id desc limit 1`).then((r) => r.rows);
      return reply?.text;
    }, `the answer to "${text}"`);
  }

  /** The newest claim of a household, once it is in `state`. */
  const claimOf = (household: string, state: Claim['state']) => jifen.waitFor(async () => {
    const [claim] = await jifen.context.db.execute<{ id: string }>(sql`select c.id from jifen.claims c join jifen.households h on h.id = c.household_id where h.code = ${household} order by c.id desc limit 1`).then((r) => r.rows);
    if (!claim) return undefined;
    const [row] = await jifen.context.db.select().from(claims).where(eq(claims.id, Number(claim.id)));
    return row?.state === state ? row : undefined;
  }, `${household}'s claim ${state}`);

  /** The printable list shows the claim, as HTML and as a PDF whose text says the same. */
  async function expectOnPublicityList(reference: number) {
    const today = new Date().toLocaleDateString('en-CA', { timeZone: 'Asia/Shanghai' });
    const html = await jifen.app.inject({ url: `/villages/fangniuping/publicity?from=${today}&to=${today}` });
    expect(html.statusCode).toBe(200);
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(html.body).toContain('<h1>放牛坪村积分公示</h1>');
    // names masked on a public page (PIPL), and no villager's phone number
    expect(html.body).toContain(`<tr><td>${reference}</td><td>FNP-012</td><td>何*友</td><td>参加村民大会或院坝会</td><td>+2</td><td>${today}</td>`);
    expect(html.body).not.toContain('何世友');
    expect(html.body).not.toMatch(/\+86139000[12]\d{4}/);
    expect(html.body).toContain('请在异议截止日期前发短信「异议 编号 原因」到 +8613900009999');
    const pdf = await jifen.app.inject({ url: `/villages/fangniuping/publicity.pdf?from=${today}&to=${today}` });
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const { text } = await new PDFParse({ data: new Uint8Array(pdf.rawPayload) }).getText();
    for (const words of ['放牛坪村积分公示', `公示期间：${today} 至 ${today}`, 'FNP-012', '何*友', '参加村民大会或院坝会', String(reference)]) expect(text).toContain(words);
    expect(text).not.toContain('何世友');
    // a village that chose full names, and recorded who chose it, shows them
    await settle({ publicFullNames: { chosenBy: '村民代表大会', chosenOn: '2026-03-01' } });
    expect((await jifen.app.inject({ url: `/villages/fangniuping/publicity?from=${today}&to=${today}` })).body).toContain('<td>何世友</td>');
    await jifen.context.db.execute(sql`update jifen.villages set settings = settings - 'publicFullNames'`);
    expect((await jifen.app.inject({ url: '/villages/nowhere/publicity' })).statusCode).toBe(404);
    expect((await jifen.app.inject({ url: '/villages/fangniuping/publicity?from=yesterday' })).statusCode).toBe(400);
  }

  const sentTo = async (cadre: string, fragment: string) => (await jifen.outbox(cadre)).filter((t) => t.includes(fragment));

  it('a two-person item (见义勇为): one approval waits, the same cadre twice counts once, a second cadre posts it', async () => {
    await jifen.sms(villager.liShulin, '14'); // FNP-004, P14 见义勇为: two_person and 需村委核实
    const claim = await claimOf('FNP-004', 'awaiting_review');
    const ref = claim.reference!;
    await jifen.waitFor(async () => (await sentTo(people.liuFang, `待审 ${ref}`)).length === 1, 'the request to 刘芳');
    expect(await sentTo(people.zhangMing, `${ref}`)).toEqual([]);

    expect(await say(people.liuFang, `同意 ${ref}`)).toBe(`已记下您同意 ${ref}；此项须两位村干部同意，已请其他村干部审核`);
    expect((await claimOf('FNP-004', 'awaiting_review')).id).toBe(claim.id);
    // the others are asked for the second approval
    for (const cadre of [people.zhangMing, people.wangJianguo]) {
      await jifen.waitFor(async () => (await sentTo(cadre, `待审 ${ref}（须两位村干部同意，已有1位同意）`)).length === 1, 'the second request');
    }
    expect(await say(people.liuFang, `同意 ${ref}`)).toBe(`您已同意过 ${ref}，还须另一位村干部同意`);
    expect((await claimOf('FNP-004', 'awaiting_review')).id).toBe(claim.id);

    expect(await say(people.zhangMing, `同意 ${ref}`)).toBe(`已同意 ${ref}，积分将入账`);
    await claimOf('FNP-004', 'posted');
    expect((await householdBalance(jifen.context.db, 'FNP-004')).balance).toBe(10);
    const events = await jifen.context.db.select().from(claimEvents).where(eq(claimEvents.claimId, claim.id)).orderBy(claimEvents.id);
    const decisions = events.filter((e) => e.actor.startsWith('cadre:'));
    expect(decisions.map((e) => [e.fromState, e.toState, e.channel])).toEqual([['awaiting_review', 'awaiting_review', 'sms'], ['awaiting_review', 'approved', 'sms']]);
    expect(decisions[0]!.messageId).not.toBe(decisions[1]!.messageId);
    expect(await jifen.context.db.select().from(reviewApprovals).where(eq(reviewApprovals.claimId, claim.id))).toHaveLength(2);
  });

  it('nobody approves their own household\'s claim, and the cadre who entered a two-person claim does not count', async () => {
    await jifen.sms(people.wangZhiqiang, '参加了院坝会'); // FNP-023, 王建国's household
    const own = await claimOf('FNP-023', 'awaiting_review');
    expect(await say(people.wangJianguo, `同意 ${own.reference}`)).toBe(`申报 ${own.reference} 是您自家的，须由其他村干部审核`);
    expect(await say(people.liuFang, `同意 ${own.reference}`)).toBe(`已同意 ${own.reference}，积分将入账`);
    await claimOf('FNP-023', 'posted');

    expect(await say(people.zhangMing, '代报 FNP-009 见义勇为')).toBe('已为 FNP-009 代报：见义勇为，将按流程审核');
    const entered = await claimOf('FNP-009', 'awaiting_review');
    const ref = entered.reference!;
    expect(await say(people.zhangMing, `同意 ${ref}`)).toBe(`申报 ${ref} 是您代报的，须由另两位村干部审核`);
    expect(await say(people.liuFang, `同意 ${ref}`)).toMatch(/^已记下您同意/);
    // the second request goes to 王建国 only: 张明 entered it
    await jifen.waitFor(async () => (await sentTo(people.wangJianguo, `待审 ${ref}（`)).length === 1, 'the second request');
    expect(await sentTo(people.zhangMing, `待审 ${ref}（`)).toEqual([]);
    expect(await say(people.wangJianguo, `同意 ${ref}`)).toBe(`已同意 ${ref}，积分将入账`);
    await claimOf('FNP-009', 'posted');
  });

  it('全部同意 gives this cadre\'s vote on two-person items; 待审 then lists them only for the others', async () => {
    await jifen.sms(villager.heShiyou, '院坝扫干净了'); // P05, 2 points
    await claimOf('FNP-012', 'awaiting_review');
    await jifen.sms(villager.wuYongfu, '16'); // P16 红白喜事简办, 5 points: two approvers from 5 points
    await claimOf('FNP-010', 'awaiting_review');
    expect(await say(people.liuFang, '全部同意')).toBe('已同意 2 条申报，其中 1 条还须另一位村干部同意');
    await claimOf('FNP-012', 'posted');
    const waiting = await claimOf('FNP-010', 'awaiting_review');
    expect(await say(people.liuFang, '待审')).toBe('目前没有待您审核的申报');
    expect(await say(people.zhangMing, '待审')).toBe(`待审 1 条：1）${waiting.reference} 吴永福家 红白喜事简办、不大操大办+5`);
    expect(await say(people.zhangMing, '全部同意')).toBe('已同意 1 条申报');
    await claimOf('FNP-010', 'posted');
  });

  it('待审 on SMS comes in pages of one segment each', async () => {
    const heads = ['+8613900020013', '+8613900020014', '+8613900020015', '+8613900020016', '+8613900020017'];
    for (const phone of heads) await jifen.sms(phone, '参加了院坝会');
    await jifen.waitFor(async () => (await jifen.context.db.select().from(claims).where(eq(claims.state, 'awaiting_review'))).length === heads.length, 'five claims waiting');
    const message = (await say(people.zhangMing, '待审'), (await lastInbound(jifen.context, people.zhangMing))!);
    const pages = (await jifen.context.db.execute<{ text: string; segments: number }>(sql`select text, segments from jifen.outbound_messages where dedupe_key like ${`message-${message.id}-reply%`} order by id`)).rows;
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.every((page) => page.segments === 1)).toBe(true);
    expect(pages[0]!.text).toMatch(new RegExp(`^待审 5 条（1/${pages.length}）：1）`));
    expect(pages.map((p) => p.text).join('').match(/[1-5]）\d{4}/g)).toHaveLength(5);
    expect(await say(people.liuFang, '全部同意')).toBe('已同意 5 条申报');
  });

  it('a claim still waiting is reminded to its first reviewer, then escalated to every approver; a decided one is not', async () => {
    await settle({ review: { remindAfterHours: 0.0005, escalateAfterHours: 0.001 } }); // 1.8 s and 3.6 s
    await jifen.sms(villager.zhouDeming, '参加了院坝会');
    const claim = await claimOf('FNP-009', 'awaiting_review');
    const ref = claim.reference!;
    const reminder = await jifen.waitFor(async () => (await sentTo(people.liuFang, `催审 ${ref}`))[0], 'the reminder to 刘芳');
    expect(reminder).toBe(`【放牛坪村积分】催审 ${ref}：FNP-009 周德明家 参加村民大会或院坝会 +2分已等0.0005小时。回复「同意 ${ref}」或「驳回 ${ref} 原因」`);
    expect(await sentTo(people.zhangMing, `${ref}`)).toEqual([]);
    await jifen.waitFor(async () => (await sentTo(people.zhangMing, `待审 ${ref} 已等0.001小时`)).length === 1, 'the escalation to 张明');
    await jifen.waitFor(async () => (await sentTo(people.wangJianguo, `待审 ${ref} 已等0.001小时`)).length === 1, 'the escalation to 王建国');
    // the reminder and escalation come from the village's one periodic job, not from delayed jobs per claim
    expect(await pipeline().getJob(`review-remind-claim-${claim.id}`)).toBeUndefined();
    expect((await pipeline().getJobSchedulers()).map((s) => s.key)).toContain(reviewFollowUpSchedulerId('fangniuping'));
    const reminders = (await jifen.outbox(people.liuFang)).filter((m) => m.includes(`催审 ${ref}`));
    expect(reminders).toHaveLength(1);

    await settle({ review: { remindAfterHours: 24, escalateAfterHours: 72 } });
    expect(await say(people.zhangMing, `同意 ${ref}`)).toBe(`已同意 ${ref}，积分将入账`);
    await claimOf('FNP-009', 'posted');
    const before = (await jifen.outbox(people.liuFang)).length;
    await followUpOverdue(jifen.context, claim.villageId, new Date(Date.now() + 100 * HOUR_MS)); // as if its reminder came due now
    expect((await jifen.outbox(people.liuFang)).length).toBe(before);
  });

  it('publicity: an approved claim is listed for the days before it posts; an objection sends it back to review', async () => {
    await settle({ publicityDays: 3 });
    await jifen.sms(villager.heShiyou, '参加了院坝会');
    const claim = await claimOf('FNP-012', 'awaiting_review');
    const ref = claim.reference!;
    expect(await say(people.liuFang, `同意 ${ref}`)).toBe(`已同意 ${ref}，公示3天无异议后入账`);
    await claimOf('FNP-012', 'publicity');
    await jifen.waitFor(async () => (await jifen.outbox(villager.heShiyou)).includes('您申报的「参加村民大会或院坝会」已通过审核，公示3天无异议后入账'), 'the villager told');
    const firstEnd = (await jifen.waitFor(() => pipeline().getJob(`publicity-end-claim-${claim.id}`), 'the publicity-end job'))!;
    expect(firstEnd.opts.delay).toBeGreaterThan(3 * 24 * HOUR_MS - 60_000);

    expect(await say(villager.wuYongfu, `异议 ${ref} 他家那天没去开会`)).toBe(`已收到您对 ${ref} 的异议，将由村干部重新审核`);
    await claimOf('FNP-012', 'awaiting_review');
    const [objection] = await jifen.context.db.select().from(claimEvents)
      .where(and(eq(claimEvents.claimId, claim.id), eq(claimEvents.fromState, 'publicity')));
    expect(objection).toMatchObject({ toState: 'awaiting_review', actor: expect.stringMatching(/^member:/), channel: 'sms', reason: '他家那天没去开会' });
    for (const cadre of [people.liuFang, people.zhangMing, people.wangJianguo]) {
      await jifen.waitFor(async () => (await sentTo(cadre, `异议待审 ${ref}`)).length === 1, 'the approvers asked again');
    }
    expect(await jifen.outbox(villager.heShiyou)).toContain('您申报的「参加村民大会或院坝会」在公示期有人提出异议，将由村干部重新审核');
    expect(await say(villager.wuYongfu, `异议 ${ref} 再说一次`)).toBe(`没有正在公示的申报 ${ref}，请核对编号`);
    // back in review, it is off the notice board until approved again
    expect((await jifen.app.inject({ url: '/villages/fangniuping/publicity' })).body).not.toContain(`<td>${ref}</td>`);

    // the first publicity's end comes due: it was objected to, so nothing posts
    await firstEnd.promote();
    await jifen.waitFor(async () => (await firstEnd.getState()) === 'completed', 'the first publicity end');
    expect((await jifen.context.db.select().from(claims).where(eq(claims.id, claim.id)))[0]!.state).toBe('awaiting_review');

    expect(await say(people.zhangMing, `同意 ${ref}`)).toBe(`已同意 ${ref}，公示3天无异议后入账`);
    await claimOf('FNP-012', 'publicity');
    await expectOnPublicityList(claim.reference!);
    const secondEnd = (await jifen.waitFor(() => pipeline().getJob(`publicity-end-claim-${claim.id}-round-1`), 'the second publicity-end job'))!;
    await secondEnd.promote();
    await claimOf('FNP-012', 'posted');
    const [posted] = await jifen.context.db.select().from(claimEvents).where(and(eq(claimEvents.claimId, claim.id), eq(claimEvents.toState, 'posted')));
    expect(posted).toMatchObject({ fromState: 'publicity', actor: 'system', reason: '公示期满无异议' });
    await settle({ publicityDays: 0 });
  });

  it('a cadre may object too; 异议 without a reference asks for one', async () => {
    expect(await say(people.zhangMing, '异议')).toBe('提出异议请写明编号和原因，如「异议 1234 原因」');
    expect(await say(people.zhangMing, '异议 1001 没核实')).toBe('没有正在公示的申报 1001，请核对编号');
    expect(await say(villager.zhouDeming, '有异议')).toBe('提出异议请写明编号和原因，如「异议 1234 原因」');
  });
});
