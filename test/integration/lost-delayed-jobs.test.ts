import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, like, sql } from 'drizzle-orm';
import type { Queue } from 'bullmq';
import { checkinEvents, claimEvents, claims, ledgerTransactions, outboundMessages, villages } from '../../src/db/schema/index.ts';
import { verifyLedger } from '../../src/ledger/verify.ts';
import { sweep } from '../../src/plans/sweeper.ts';
import { testBackend } from '../support/backend.ts';
import { outboxIdle } from '../support/outbound.ts';
import { people, referenceSentTo, startJifen, type Harness } from '../support/jifen.ts';
import { say } from '../support/records.ts';

const chen = '+8613900020002'; // FNP-002
const DAY_MS = 24 * 3600_000;

describe(`delayed jobs a queue lost are found in PostgreSQL by the sweeper (${testBackend})`, () => {
  let jifen: Harness;
  beforeAll(async () => {
    jifen = await startJifen();
    await jifen.context.db.update(villages).set({ settings: sql`${villages.settings} - 'quietHours' || '{"publicityDays": 1}'::jsonb` });
  });
  afterAll(async () => { await jifen?.close(); });

  const count = async (query: Promise<Array<{ n: number }>>) => (await query)[0]!.n;

  it('publicity that ended and a check-in whose window passed are finished once, after the queue forgot their jobs', async () => {
    const db = jifen.context.db;
    await jifen.sms(people.wangLanying, '今天把院坝扫干净了');
    const reference = await referenceSentTo(jifen, people.liuFang);
    await say(jifen, people.liuFang, `同意 ${reference}`);
    const code = /签到码 (\d{4})/.exec(await say(jifen, people.liuFang, '签到 P03'))![1]!;
    await say(jifen, chen, code);
    expect(await jifen.outbox(chen)).toContainEqual(expect.stringMatching(/^签到成功/));
    const inPublicity = await db.select().from(claims).where(eq(claims.state, 'publicity'));
    expect(inPublicity).toHaveLength(2);
    const [event] = await db.select().from(checkinEvents).where(eq(checkinEvents.code, code));

    // Redis loses its data: the delayed publicity-end and checkin-close jobs are gone.
    await outboxIdle(jifen);
    const pipeline = jifen.context.jobs.pipeline as unknown as Queue;
    const delayed = async () => (await pipeline.getDelayed()).map((job) => job.name).filter((name) => name === 'checkin-close' || name === 'publicity-end').sort();
    expect(await delayed()).toEqual(['checkin-close', 'publicity-end', 'publicity-end']);
    await pipeline.drain(true);
    expect(await delayed()).toEqual([]);

    // Two days on, two sweepers at once (two processes): each job is queued once, and done once.
    const later = new Date(Date.now() + 2 * DAY_MS);
    const swept = await Promise.all([sweep(jifen.context, later), sweep(jifen.context, later)]);
    expect(swept.map((s) => s.overdue)).toEqual([3, 3]);
    await jifen.waitFor(async () => (await db.select().from(claims).where(eq(claims.state, 'posted'))).length === 2 || undefined, 'both claims posted');
    const report = like(outboundMessages.dedupeKey, `checkin-${event!.id}-report%`);
    await jifen.waitFor(async () => (await db.select().from(outboundMessages).where(report)).length > 0 || undefined, 'the attendance list');

    expect((await sweep(jifen.context, later)).overdue).toBe(0);
    const [closed] = await db.select().from(checkinEvents).where(eq(checkinEvents.id, event!.id));
    expect(closed!.closedAt).toEqual(closed!.closesAt);
    expect(await db.select({ text: outboundMessages.text }).from(outboundMessages).where(report))
      .toEqual([{ text: `签到 ${code} 已结束：参加村民大会或院坝会，共 1 户：FNP-002 陈长江家` }]);
    for (const claim of inPublicity) {
      expect(await count(db.select({ n: sql<number>`count(*)::int` }).from(claimEvents)
        .where(and(eq(claimEvents.claimId, claim.id), eq(claimEvents.toState, 'posted'))))).toBe(1);
      expect(await count(db.select({ n: sql<number>`count(*)::int` }).from(ledgerTransactions)
        .where(eq(ledgerTransactions.idempotencyKey, `claim-${claim.id}`)))).toBe(1);
    }
    expect((await verifyLedger(db)).problems).toEqual([]);
  });
});
