import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { Queue } from 'bullmq';
import { households, ledgerTransactions, outboundMessages, villages, type Village } from '../../src/db/schema/index.ts';
import { householdAccountId, systemAccountId } from '../../src/ledger/accounts.ts';
import { householdBalance } from '../../src/ledger/balance.ts';
import { post } from '../../src/ledger/ledger.ts';
import { verifyLedger } from '../../src/ledger/verify.ts';
import { expirySchedulerId, QUEUES } from '../../src/queue/jobs.ts';
import { runExpiry } from '../../src/supermarket/expiry.ts';
import { testBackend } from '../support/backend.ts';
import { startJifen, type Harness } from '../support/jifen.ts';
import { award } from '../support/records.ts';

/** A moment in the village's own time (Asia/Shanghai, UTC+8). */
const shanghai = (day: string) => new Date(`${day}T12:00:00+08:00`);

describe(`points expiry (${testBackend})`, () => {
  let jifen: Harness;
  let village: Village;
  beforeAll(async () => {
    jifen = await startJifen();
    [village] = await jifen.context.db.select().from(villages).where(eq(villages.code, 'fangniuping')) as [Village];
  });
  afterAll(async () => { await jifen?.close(); });

  const balance = (code: string) => householdBalance(jifen.context.db, code);
  const expire = (asOf: string, dryRun = false) => runExpiry(jifen.context, village, asOf, { dryRun });

  /** Points spent at the supermarket on a given day. */
  async function spend(code: string, points: number, at: Date) {
    const [household] = await jifen.context.db.select().from(households).where(eq(households.code, code));
    await jifen.context.db.transaction(async (tx) => post(tx, {
      idempotencyKey: `test-spend-${code}-${points}`, kind: 'redemption', memo: 'test', affectsLifetime: false, at,
      entries: [
        { accountId: await householdAccountId(tx, household!.id), amount: -points },
        { accountId: await systemAccountId(tx, village.id, 'supermarket'), amount: points },
      ],
    }));
  }

  it('takes spending from the oldest points first and expires what is left of a year at the end of the next, once', async () => {
    await award(jifen.context, 'FNP-039', 10, { key: 'test-2024', at: shanghai('2024-06-01') });
    await award(jifen.context, 'FNP-039', 5, { key: 'test-2025', at: shanghai('2025-03-01') });
    await spend('FNP-039', 7, shanghai('2025-05-01'));

    expect((await expire('2025-12-31')).expired).toEqual([]);
    expect((await expire('2026-01-01')).expired).toEqual([{ household: 'FNP-039', year: 2024, points: 3 }]);
    expect(await balance('FNP-039')).toEqual({ household: 'FNP-039', balance: 5, lifetime: 15 });
    expect((await expire('2026-01-01')).expired).toEqual([]);
    expect((await expire('2026-06-30')).expired).toEqual([]);
    expect(await balance('FNP-039')).toMatchObject({ balance: 5 });

    const [posting] = await jifen.context.db.select().from(ledgerTransactions)
      .where(eq(ledgerTransactions.idempotencyKey, `expiry-household-${(await householdId('FNP-039'))}-2024`));
    expect(posting).toMatchObject({ kind: 'expiry', affectsLifetime: false, createdAt: new Date('2026-01-01T00:00:00+08:00') });
    expect(await verifyLedger(jifen.context.db)).toMatchObject({ ok: true });
  });

  it('a dry run shows what would expire and changes nothing; the run then expires the next year', async () => {
    const dry = await expire('2027-01-01', true);
    expect(dry.expired).toEqual([{ household: 'FNP-039', year: 2025, points: 5 }]);
    expect(await balance('FNP-039')).toMatchObject({ balance: 5 });
    expect((await expire('2027-01-01')).expired).toEqual([{ household: 'FNP-039', year: 2025, points: 5 }]);
    expect(await balance('FNP-039')).toEqual({ household: 'FNP-039', balance: 0, lifetime: 15 });
    expect(await verifyLedger(jifen.context.db)).toMatchObject({ ok: true });
  });

  it('warns a household once, from a month before, of the points that will expire', async () => {
    await award(jifen.context, 'FNP-040', 9, { key: 'test-40-2024', at: shanghai('2024-08-01') });
    await spend('FNP-040', 4, shanghai('2025-02-01'));
    expect((await expire('2025-11-30')).warned).toEqual([]);
    expect((await expire('2025-12-01', true)).warned).toEqual([{ household: 'FNP-040', year: 2024, points: 5 }]);
    expect(await warnings('FNP-040')).toEqual([]);
    expect((await expire('2025-12-01')).warned).toEqual([{ household: 'FNP-040', year: 2024, points: 5 }]);
    await expire('2025-12-02');
    await expire('2025-12-20');
    expect(await warnings('FNP-040')).toEqual(['您家有 5分积分将于2025年12月31日到期作废，请在此前到村积分超市兑换']);
    expect((await expire('2026-01-01')).expired).toEqual([{ household: 'FNP-040', year: 2024, points: 5 }]);
  });

  it('registers a daily job scheduler per village in its timezone at start-up, idempotently', async () => {
    const pipeline = jifen.context.jobs.backend.queue(QUEUES.pipeline) as unknown as Queue;
    try {
      const scheduler = await jifen.waitFor(() => pipeline.getJobScheduler(expirySchedulerId('fangniuping')), 'the expiry scheduler');
      expect(scheduler).toMatchObject({ pattern: '0 0 9 * * *', tz: 'Asia/Shanghai', name: 'expire' });
      await jifen.startWorkers(); // a second process starting: still one expiry scheduler (beside the review follow-up's)
      expect((await pipeline.getJobSchedulers()).map((s) => s.key).filter((key) => key.startsWith('expire-'))).toEqual([expirySchedulerId('fangniuping')]);
    } finally {
      await pipeline.close();
    }
  });

  async function householdId(code: string) {
    const [household] = await jifen.context.db.select().from(households).where(eq(households.code, code));
    return household!.id;
  }

  async function warnings(code: string) {
    const rows = await jifen.context.db.select({ text: outboundMessages.text }).from(outboundMessages)
      .where(and(eq(outboundMessages.kind, 'expiry_warning'), eq(outboundMessages.dedupeKey, `expiry-warning-${await householdId(code)}-2024`)));
    return rows.map((row) => row.text);
  }
});
