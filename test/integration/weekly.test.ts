import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Queue } from 'bullmq';
import { and, desc, eq, sql } from 'drizzle-orm';
import { households, ledgerTransactions, outboundMessages, villages, type Village } from '../../src/db/schema/index.ts';
import { householdBalance } from '../../src/ledger/balance.ts';
import { importVillage } from '../../src/village/import.ts';
import { readVillageFile } from '../../src/village/village-file.ts';
import { isoWeekOf, mondayOf } from '../../src/weekly/calendar.ts';
import { loadVillage } from '../../src/weekly/notify.ts';
import { registerWeeklySchedules, runWeekly } from '../../src/weekly/run.ts';
import { testBackend } from '../support/backend.ts';
import { EXAMPLE_VILLAGE, lastInbound, people, referenceSentTo, startJifen, type Harness } from '../support/jifen.ts';
import { FakeWechat } from '../support/fake-wechat.ts';
import { workerProcessSuite } from '../support/worker-process.ts';

const SHANGHAI = 'Asia/Shanghai';
/** The week after `week` (tests use weeks of their own so each starts with no weekly message recorded). */
const weekAfter = (week: string, weeks: number) =>
  isoWeekOf(new Date(Date.parse(`${mondayOf(week)}T12:00:00Z`) + weeks * 7 * 86_400_000), 'UTC');

type Row = typeof outboundMessages.$inferSelect;

async function weeklyRows(jifen: Harness, week: string, kind = 'weekly_balance'): Promise<Row[]> {
  return jifen.context.db.select().from(outboundMessages)
    .where(and(eq(outboundMessages.kind, kind), sql`${outboundMessages.params}->>'week' = ${week}`)).orderBy(outboundMessages.id);
}

async function householdCount(jifen: Harness): Promise<number> {
  const [row] = await jifen.context.db.select({ n: sql<number>`count(*)::int` }).from(households);
  return row!.n;
}

/** The worker-driven scenarios run on the machine's clock: without quiet hours, so they never wait for the morning. */
async function dropQuietHours(jifen: Harness): Promise<Village> {
  await jifen.context.db.update(villages).set({ settings: sql`${villages.settings} - 'quietHours'` });
  const [village] = await jifen.context.db.select().from(villages);
  return village!;
}

/** Waits until every weekly message of the week is recorded and none is still waiting to be sent. */
async function settled(jifen: Harness, week: string, expected: number, kind = 'weekly_balance'): Promise<Row[]> {
  return jifen.waitFor(async () => {
    const rows = await weeklyRows(jifen, week, kind);
    return rows.length === expected && rows.every((row) => row.status !== 'pending') && rows;
  }, `${expected} ${kind} messages of ${week} settled`, 60_000);
}

/** The ISO week, in Shanghai, of the latest ledger posting: the week a weekly message counts it in. */
async function weekOfLastPosting(jifen: Harness): Promise<string> {
  const [row] = await jifen.context.db.select({ at: ledgerTransactions.createdAt }).from(ledgerTransactions).orderBy(desc(ledgerTransactions.id)).limit(1);
  return isoWeekOf(row!.at, SHANGHAI);
}

/** The weekly texts the provider was handed (review requests share the prefix, not the household code after it). */
const weeklyTexts = (jifen: Harness) => jifen.twilioApi.messages.filter((m) => /^【放牛坪村积分】FNP-\d+本周/.test(m.Body!));

describe(`weekly balance notifications (${testBackend})`, () => {
  let jifen: Harness;
  let village: Village;
  /** The week the scenarios report: that of the points posted below, so a run across Sunday midnight in Shanghai still reports them. */
  let week = isoWeekOf(new Date(), SHANGHAI);
  beforeAll(async () => {
    jifen = await startJifen();
    village = await dropQuietHours(jifen);
  });
  afterAll(async () => { await jifen?.close(); });

  it('the scheduler is registered at start-up in the village\'s timezone, and follows a re-import', async () => {
    const queue = jifen.context.jobs.weekly as unknown as Queue;
    const schedulers = async () => (await queue.getJobSchedulers()).map((s) => ({ key: s.key, pattern: s.pattern, tz: s.tz }));
    expect(await schedulers()).toEqual([{ key: 'weekly-fangniuping', pattern: '0 19 * * 0', tz: SHANGHAI }]);
    await registerWeeklySchedules(jifen.context);
    expect(await schedulers()).toHaveLength(1);

    const file = await readVillageFile(EXAMPLE_VILLAGE);
    file.village.weekly_notification = { day: 'friday', time: '08:30' };
    await importVillage(jifen.context.db, file);
    await registerWeeklySchedules(jifen.context);
    expect(await schedulers()).toEqual([{ key: 'weekly-fangniuping', pattern: '30 8 * * 5', tz: SHANGHAI }]);
    village = await dropQuietHours(jifen);
  });

  it('a double fire of the scheduler: each household gets exactly one message, opted-out numbers none', { timeout: 120_000 }, async () => {
    await jifen.sms(people.wangLanying, '今天把院坝扫干净了');
    await jifen.sms(people.liuFang, `同意 ${await referenceSentTo(jifen, people.liuFang)}`);
    await jifen.waitFor(async () => (await householdBalance(jifen.context.db, 'FNP-003')).balance === 2 || undefined, 'the points posted');
    week = await weekOfLastPosting(jifen);
    await jifen.sms(people.chenChangjiang, 'TD');
    await jifen.waitFor(async () => (await lastInbound(jifen.context, people.chenChangjiang))?.outcome === 'optout', 'the opt-out');

    // Two fires of the same week, as a scheduler firing twice (or two processes' schedulers) would make them.
    const fire = (id: string) => jifen.context.jobs.weekly.add('weekly-village', { villageId: village.id, week }, { jobId: id });
    await Promise.all([fire('fire-1'), fire('fire-2')]);

    const total = await householdCount(jifen);
    const rows = await settled(jifen, week, total);
    expect(new Set(rows.map((row) => row.params!.household)).size).toBe(total);
    const optedOut = rows.filter((row) => row.status === 'opted_out');
    expect(optedOut.map((row) => row.address)).toEqual([people.chenChangjiang]);
    expect(rows.filter((row) => row.status === 'sent')).toHaveLength(total - 1);

    const texts = weeklyTexts(jifen);
    expect(texts).toHaveLength(total - 1);
    expect(new Set(texts.map((m) => m.To)).size).toBe(total - 1);
    expect(texts.some((m) => m.To === people.chenChangjiang)).toBe(false);
    expect(texts.find((m) => m.To === people.wangLanying)?.Body).toBe('【放牛坪村积分】FNP-003本周+2分，余额2分，累计2分，全村第1名');
    expect(rows.find((row) => row.address === people.wangLanying)?.params)
      .toEqual({ household: 'FNP-003', week, earned: '2', balance: '2', lifetime: '2', rank: '1' });
    expect(rows.every((row) => row.channel === 'sms' && row.segments === 1)).toBe(true);
  });

  it('the cadres get the week\'s summary once each', { timeout: 60_000 }, async () => {
    const rows = await settled(jifen, week, 4, 'weekly_cadre_summary');
    expect(new Set(rows.map((row) => row.address))).toEqual(new Set([people.liuFang, people.wangJianguo, people.zhangMing, people.ranDebing]));
    expect(rows[0]!.text).toBe('【放牛坪村周报】通过1 驳回0 待审0；发放2分 兑换0分');
    expect(rows.every((row) => row.segments === 1 && row.status === 'sent')).toBe(true);
  });

  it('订阅 resumes the notifications', { timeout: 60_000 }, async () => {
    await jifen.sms(people.chenChangjiang, '订阅');
    await jifen.waitFor(async () => (await lastInbound(jifen.context, people.chenChangjiang))?.outcome === 'optin', 'the opt-in');
    const next = weekAfter(week, 1);
    const run = await runWeekly(jifen.context, village, next, { now: new Date() });
    expect(run.optedOut).toBe(0);
    const rows = await settled(jifen, next, await householdCount(jifen));
    expect(rows.find((row) => row.address === people.chenChangjiang)?.status).toBe('sent');
  });

  it('in quiet hours the messages wait for their end (an explicit clock in the village\'s timezone)', async () => {
    await jifen.context.db.update(villages).set({ settings: sql`${villages.settings} || '{"quietHours":{"from":"21:30","to":"07:30"}}'::jsonb` });
    const quiet = await loadVillage(jifen.context, village.id);
    const later = weekAfter(week, 2);
    // 22:00 in Shanghai: nine and a half hours to 07:30.
    const run = await runWeekly(jifen.context, quiet, later, { now: new Date('2026-11-29T14:00:00Z') });
    const total = await householdCount(jifen);
    expect(run).toMatchObject({ households: total, notified: total, deferred: total, optedOut: 0 });
    const delayed = await (jifen.context.jobs.outbound.sms as unknown as Queue).getDelayed();
    expect(delayed.length).toBeGreaterThan(0);
    expect(new Set(delayed.map((job) => job.opts.delay))).toEqual(new Set([9.5 * 3_600_000]));
    expect((await weeklyRows(jifen, later)).every((row) => row.status === 'pending')).toBe(true);
  });

  it('out of quiet hours nothing waits; a second run of the same week records nothing new', async () => {
    const quiet = await loadVillage(jifen.context, village.id);
    const another = weekAfter(week, 3);
    const first = await runWeekly(jifen.context, quiet, another, { now: new Date('2026-11-29T11:00:00Z') }); // 19:00
    expect(first.deferred).toBe(0);
    const rows = await settled(jifen, another, await householdCount(jifen));
    await runWeekly(jifen.context, quiet, another, { now: new Date('2026-11-29T11:00:00Z') });
    expect(await weeklyRows(jifen, another)).toEqual(rows);
  });
});

describe(`weekly notifications across a worker killed mid-run (${testBackend})`, () => {
  let jifen!: Harness;
  const startWorker = workerProcessSuite((started) => { jifen = started; });

  it('SIGKILL while sending, restart: one message per household, every one sent', { timeout: 180_000 }, async () => {
    const village = await dropQuietHours(jifen);
    /** The week the scenarios report: that of the points posted below, so a run across Sunday midnight in Shanghai still reports them. */
  let week = isoWeekOf(new Date(), SHANGHAI);
    // Slow sending (5 a second, batches of 5), so the kill lands in the middle of the run.
    const env = { SMS_MAX_PER_SECOND: '5', WEEKLY_SEND_BATCH: '5' };
    const first = startWorker(env);
    await jifen.context.jobs.weekly.add('weekly-village', { villageId: village.id, week }, { jobId: 'fire-before-kill' });
    await jifen.waitFor(async () => (await weeklyRows(jifen, week)).some((row) => row.status === 'sent'), 'the first message sent', 60_000);
    first.kill('SIGKILL');
    const sentAtKill = (await weeklyRows(jifen, week)).filter((row) => row.status === 'sent').length;

    const second = startWorker(env);
    // The scheduler fires again after the restart: it changes nothing.
    await jifen.context.jobs.weekly.add('weekly-village', { villageId: village.id, week }, { jobId: 'fire-after-restart' });
    const total = await householdCount(jifen);
    const rows = await settled(jifen, week, total);
    second.kill('SIGTERM');

    console.info(`killed the worker with ${sentAtKill} of ${total} weekly messages sent`);
    expect(sentAtKill).toBeLessThan(total);
    expect(rows.every((row) => row.status === 'sent')).toBe(true);
    expect(new Set(rows.map((row) => row.params!.household)).size).toBe(total);
    // A message handed to the provider just before the kill may be handed over once more (at least once); none is lost.
    const to = new Set(weeklyTexts(jifen).map((m) => m.To));
    expect(to.size).toBe(total);
  });
});

describe(`weekly notifications on WeChat (${testBackend})`, () => {
  let jifen: Harness;
  let wechat: FakeWechat;
  beforeAll(async () => {
    wechat = await new FakeWechat().start();
    jifen = await startJifen({ config: { wechatOfficial: { token: 'weekly-token', appId: 'wx-test', appSecret: 'secret', apiBaseUrl: wechat.url } } });
  });
  afterAll(async () => {
    await jifen?.close();
    await wechat?.stop();
  });

  it('a household that prefers WeChat gets the richer form there, its phone as the fallback', { timeout: 60_000 }, async () => {
    const village = await dropQuietHours(jifen);
    /** The week the scenarios report: that of the points posted below, so a run across Sunday midnight in Shanghai still reports them. */
  let week = isoWeekOf(new Date(), SHANGHAI);
    const run = await runWeekly(jifen.context, village, week, { now: new Date() });
    expect(run.byChannel.wechat).toBeGreaterThan(0);
    expect(run.byChannel.wechat! + run.byChannel.sms!).toBe(run.notified);
    const rows = await settled(jifen, week, run.households);
    const row = rows.find((r) => r.params!.household === 'FNP-001')!;
    expect(row).toMatchObject({ channel: 'wechat', address: 'wxid_fnp_h001', fallbackChannel: 'sms', fallbackAddress: '+8613900020001', status: 'sent' });
    const sent = wechat.on('/cgi-bin/message/custom/send').map((request) => request.body as { touser: string; text: { content: string } })
      .filter((body) => body.touser === 'wxid_fnp_h001').map((body) => body.text.content);
    expect(sent).toEqual([
      `【放牛坪村积分周报】${week}\nFNP-001（阳桂芳家）\n本周获得：无\n本周兑换：0分\n当前余额：0分\n累计获得：0分，全村第1名`,
    ]);
  });

  it('WeChat refusing a weekly message for good sends the one-segment SMS form to the phone, not the WeChat text', { timeout: 60_000 }, async () => {
    const village = await dropQuietHours(jifen);
    const week = '2026-W40';
    const wechatHouseholds = (await runWeekly(jifen.context, village, week, { now: new Date(), dryRun: true })).byChannel.wechat!;
    for (let i = 0; i < wechatHouseholds; i++) {
      wechat.replyNext('/cgi-bin/message/custom/send', { json: '{"errcode":45015,"errmsg":"response out of time limit"}' });
    }
    const run = await runWeekly(jifen.context, village, week, { now: new Date() });
    await settled(jifen, week, run.households + wechatHouseholds);
    const [bySms] = await jifen.context.db.select().from(outboundMessages).where(eq(outboundMessages.dedupeKey, `${(await weeklyRows(jifen, week)).find((r) => r.params!.household === 'FNP-001')!.dedupeKey}-fallback`));
    expect(bySms).toMatchObject({ channel: 'sms', address: '+8613900020001', segments: 1, text: '【放牛坪村积分】FNP-001本周+0分，余额0分，累计0分，全村第1名' });
  });
});
