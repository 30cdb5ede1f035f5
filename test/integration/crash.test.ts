import { describe, expect, it } from 'vitest';
import type { Queue } from 'bullmq';
import { eq, inArray, like, sql } from 'drizzle-orm';
import { claims, ledgerTransactions, outboundMessages } from '../../src/db/schema/index.ts';
import { householdBalance } from '../../src/ledger/balance.ts';
import { verifyLedger } from '../../src/ledger/verify.ts';
import { testBackend } from '../support/backend.ts';
import { people, type Harness } from '../support/jifen.ts';
import { workerProcessSuite } from '../support/worker-process.ts';

const HOUSEHOLDS = Array.from({ length: 24 }, (_, i) => i + 1);
const phoneOf = (household: number) => `+86139000200${String(household).padStart(2, '0')}`;
const codeOf = (household: number) => `FNP-${String(household).padStart(3, '0')}`;

describe(`a worker killed mid-posting loses nothing and doubles nothing (${testBackend})`, () => {
  let jifen!: Harness;
  const startWorker = workerProcessSuite((started) => { jifen = started; });

  const countIn = async (states: string[]) => {
    const [row] = await jifen.context.db.select({ n: sql<number>`count(*)::int` }).from(claims).where(inArray(claims.state, states as never[]));
    return row!.n;
  };

  it('SIGKILL during posting, restart: every claim posted once, ledger verifies', { timeout: 240_000 }, async () => {
    const first = startWorker();
    for (const household of HOUSEHOLDS) await jifen.sms(phoneOf(household), '参加了环境整治义务劳动');
    await jifen.waitFor(async () => (await countIn(['awaiting_review'])) === HOUSEHOLDS.length, 'all claims awaiting review', 60_000);

    const waiting = await jifen.context.db.select({ reference: claims.reference }).from(claims).where(eq(claims.state, 'awaiting_review'));
    await Promise.all(waiting.map(({ reference }) => jifen.sms(people.liuFang, `同意 ${reference}`)));
    await jifen.waitFor(async () => (await countIn(['posted'])) > 0, 'the first posting', 60_000);
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    const postedAtKill = await countIn(['posted']);
    // Jobs the dead worker held: their transactions died with it, their locks lapse and the next worker takes them over.
    const activeAtKill = (await (jifen.context.jobs.pipeline as unknown as Queue).getJobCounts('active')).active ?? 0;
    console.info(`killed the worker with ${postedAtKill} of ${HOUSEHOLDS.length} claims posted, ${activeAtKill} jobs under way`);

    const second = startWorker();
    await jifen.waitFor(async () => (await countIn(['posted'])) === HOUSEHOLDS.length, 'every claim posted after restart', 60_000);
    // The confirmation is recorded just after the posting commits: wait for all of them before stopping.
    await jifen.waitFor(async () => {
      const [row] = await jifen.context.db.select({ n: sql<number>`count(*)::int` }).from(outboundMessages)
        .where(like(outboundMessages.text, '已入账%'));
      return row!.n >= HOUSEHOLDS.length;
    }, 'every confirmation recorded', 60_000);
    second.kill('SIGTERM');

    // The kill landed mid-work: some claims posted, others not yet, and jobs were running when it came.
    expect(postedAtKill).toBeGreaterThan(0);
    expect(postedAtKill).toBeLessThan(HOUSEHOLDS.length);
    expect(activeAtKill).toBeGreaterThan(0);
    const report = await verifyLedger(jifen.context.db);
    expect(report.problems).toEqual([]);
    const [awards] = await jifen.context.db.select({ n: sql<number>`count(*)::int` }).from(ledgerTransactions).where(eq(ledgerTransactions.kind, 'award'));
    expect(awards!.n).toBe(HOUSEHOLDS.length);
    for (const household of HOUSEHOLDS) {
      expect(await householdBalance(jifen.context.db, codeOf(household))).toEqual({ household: codeOf(household), balance: 3, lifetime: 3 });
      const confirmations = (await jifen.outbox(phoneOf(household))).filter((text) => text.startsWith('已入账'));
      expect(confirmations).toEqual(['已入账 +3分，当前余额 3分']);
    }
  });
});
