import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, like } from 'drizzle-orm';
import { deductionEvents, deductions, households, keyedRequests, ledgerTransactions, outbox, outboundMessages, redemptions, villages, type Village } from '../../src/db/schema/index.ts';
import { householdBalance } from '../../src/ledger/balance.ts';
import { verifyLedger } from '../../src/ledger/verify.ts';
import { injectFaults, type FaultPoint } from '../../src/plans/faults.ts';
import { deleteRelayed, relayLeftovers } from '../../src/plans/outbox.ts';
import { STALE_MS, sweep } from '../../src/plans/sweeper.ts';
import { runExpiry } from '../../src/supermarket/expiry.ts';
import { redeemAtDesk, reverseAtDesk } from '../../src/supermarket/desk.ts';
import { householdChunks } from '../../src/weekly/household-week.ts';
import { notifyHouseholds } from '../../src/weekly/notify.ts';
import { testBackend } from '../support/backend.ts';
import { people, startJifen, type Harness } from '../support/jifen.ts';
import { award, say } from '../support/records.ts';

/** Households of the example village whose head is reached by SMS alone. */
const phoneOf = (code: string) => `+86139000200${code.slice(-2)}`;
/** Noon in the village's own time: outside its quiet hours (21:30–07:30). */
const noon = (day: string) => new Date(`${day}T12:00:00+08:00`);

describe(`every other job kind: a failure before or after commit strands nothing and doubles nothing (${testBackend})`, () => {
  let jifen: Harness;
  let village: Village;
  beforeAll(async () => {
    jifen = await startJifen();
    [village] = await jifen.context.db.select().from(villages) as [Village];
  });
  afterAll(async () => { await jifen?.close(); });
  afterEach(() => injectFaults(undefined));

  /** Makes the first work whose label starts with `prefix` fail at `point`; resolves with its label once it did. */
  function failFirst(point: FaultPoint, prefix: string): Promise<string> {
    return new Promise((resolve) => {
      let done = false;
      injectFaults((at, label) => {
        if (done || at !== point || !label.startsWith(prefix)) return;
        done = true;
        resolve(label);
        throw new Error(`injected failure ${point} of ${label}`);
      });
    });
  }

  const db = () => jifen.context.db;
  const sentTo = (address: string) => jifen.twilioApi.requests.filter((r) => r.method === 'POST' && r.form.To === address).map((r) => r.form.Body ?? '');
  const recorded = (pattern: string) => db().select().from(outboundMessages).where(like(outboundMessages.dedupeKey, pattern));
  const balance = async (code: string) => (await householdBalance(db(), code)).balance;
  const outboxRows = async () => (await db().select().from(outbox)).length;
  async function expectLedgerSound() {
    expect((await verifyLedger(db())).problems).toEqual([]);
  }
  /** What the sweeper finds after everything settled: nothing to relay, nothing to send again. */
  async function expectNothingLeft() {
    await relayLeftovers(jifen.context, 0);
    await deleteRelayed(jifen.context); // relayed rows are deleted in batches; the batch due now
    expect(await outboxRows()).toBe(0);
    expect((await sweep(jifen.context, new Date(Date.now() + 2 * STALE_MS))).sends).toBe(0);
  }

  it('扣分: a failure before commit records nothing; the retried job deducts, posts and tells the household once', async () => {
    await award(jifen.context, 'FNP-009', 10);
    const failed = failFirst('before-commit', 'intake:');
    const answer = await say(jifen, people.liuFang, '扣分 FNP-009 N01');
    await failed;
    expect(answer).toMatch(/编号\d{4}/);
    const [household] = await db().select().from(households).where(eq(households.code, 'FNP-009'));
    const records = await db().select().from(deductions).where(eq(deductions.householdId, household!.id));
    expect(records).toHaveLength(1);
    expect(await db().select().from(deductionEvents).where(eq(deductionEvents.deductionId, records[0]!.id))).toHaveLength(1);
    expect(await balance('FNP-009')).toBe(8);
    await jifen.waitFor(async () => sentTo(phoneOf('FNP-009')).length === 1, 'the household told');
    await expectNothingLeft();
    expect(sentTo(phoneOf('FNP-009'))).toHaveLength(1);
    await expectLedgerSound();
  });

  it('申诉 and 撤销: an appeal committed but not relayed reaches each approver once; a decision failing before commit revokes once', async () => {
    await award(jifen.context, 'FNP-012', 10);
    const reference = Number(/编号(\d{4})/.exec(await say(jifen, people.liuFang, '扣分 FNP-012 N02'))![1]);
    expect(await balance('FNP-012')).toBe(7);

    const appealFailed = failFirst('after-commit', 'intake:');
    await jifen.sms(phoneOf('FNP-012'), `申诉 ${reference} 没有烧`);
    await appealFailed;
    // Committed whole: the deduction is appealed and the approvers' requests are recorded, their send order only in the outbox.
    const [appealed] = await db().select().from(deductions).where(eq(deductions.reference, reference));
    expect(appealed!.state).toBe('appealed');
    const requests = await recorded(`deduction-${appealed!.id}-appeal-to-%`);
    expect(requests.length).toBeGreaterThan(1);
    expect(requests.every((m) => m.status === 'pending')).toBe(true);
    expect(await outboxRows()).toBeGreaterThan(0);
    await relayLeftovers(jifen.context, 0);
    await jifen.waitFor(async () => (await recorded(`deduction-${appealed!.id}-appeal-to-%`)).every((m) => m.status !== 'pending'), 'the approvers asked');

    const decisionFailed = failFirst('before-commit', 'intake:');
    const decided = await say(jifen, people.zhangMing, `撤销 ${reference} 核实有误`);
    await decisionFailed;
    expect(decided).toContain(`扣分 ${reference}`);
    expect(await balance('FNP-012')).toBe(10);
    const [revoked] = await db().select().from(deductions).where(eq(deductions.id, appealed!.id));
    expect(revoked!.state).toBe('revoked');
    expect(await db().select().from(ledgerTransactions).where(eq(ledgerTransactions.idempotencyKey, `reversal-of-${revoked!.transactionId}`))).toHaveLength(1);
    await jifen.waitFor(async () => (await recorded(`deduction-${appealed!.id}-revoked`))[0]?.status !== 'pending', 'the household told the outcome');
    await expectNothingLeft();
    for (const { address } of requests) expect(sentTo(address).filter((t) => t.includes(`申诉 ${reference}：`))).toHaveLength(1);
    await expectLedgerSound();
  });

  it('兑换 at the desk: before commit nothing is charged; after commit the retry replays, charged and told once', async () => {
    await award(jifen.context, 'FNP-015', 30);
    const request = { cadrePhone: people.ranDebing, household: 'FNP-015', lines: [{ code: 'S01', quantity: 1 }], key: 'redemption-cli-fault-1' };

    const beforeCommit = failFirst('before-commit', 'redeem');
    await expect(redeemAtDesk(jifen.context, request)).rejects.toThrow(/injected failure before-commit/);
    await beforeCommit;
    expect(await balance('FNP-015')).toBe(30);
    expect(await db().select().from(redemptions).where(eq(redemptions.key, request.key))).toEqual([]);
    expect(await db().select().from(keyedRequests).where(eq(keyedRequests.key, request.key))).toEqual([]);

    const afterCommit = failFirst('after-commit', 'redeem');
    await expect(redeemAtDesk(jifen.context, request)).rejects.toThrow(/injected failure after-commit/);
    await afterCommit;
    const [redemption] = await db().select().from(redemptions).where(eq(redemptions.key, request.key));
    // Committed with its receipt; the receipt's send order waits in the outbox.
    expect((await recorded(`redemption-${redemption!.id}-receipt`))[0]!.status).toBe('pending');
    expect(await outboxRows()).toBeGreaterThan(0);
    expect(sentTo(phoneOf('FNP-015'))).toEqual([]);

    // The till retries: the same answer, nothing charged again.
    expect(await redeemAtDesk(jifen.context, request)).toMatchObject({ ok: true, redemption: redemption!.id, balance: 20, replayed: true });
    await relayLeftovers(jifen.context, 0);
    await jifen.waitFor(async () => sentTo(phoneOf('FNP-015')).length === 1, 'the receipt');
    expect(await balance('FNP-015')).toBe(20);

    const reversed = failFirst('after-commit', 'reverse-redemption');
    await expect(reverseAtDesk(jifen.context, people.ranDebing, redemption!.id)).rejects.toThrow(/injected failure/);
    await reversed;
    expect(await balance('FNP-015')).toBe(30);
    expect(await reverseAtDesk(jifen.context, people.ranDebing, redemption!.id)).toMatchObject({ ok: true, balance: 30, replayed: true });
    await relayLeftovers(jifen.context, 0);
    await jifen.waitFor(async () => sentTo(phoneOf('FNP-015')).length === 2, 'the reversal notice');
    await expectNothingLeft();
    expect(sentTo(phoneOf('FNP-015'))).toHaveLength(2);
    expect(await balance('FNP-015')).toBe(30);
    await expectLedgerSound();
  });

  it('expiry: a failure before commit posts nothing; after commit the warnings are relayed once and a rerun changes nothing', async () => {
    await award(jifen.context, 'FNP-018', 6, { key: 'fault-expire-2024', at: noon('2024-06-01') });
    await award(jifen.context, 'FNP-024', 4, { key: 'fault-warn-2025', at: noon('2025-06-01') });
    const asOf = '2026-12-03'; // 2024's points have expired, 2025's expire at the end of the month

    const beforeCommit = failFirst('before-commit', 'expire:');
    await expect(runExpiry(jifen.context, village, asOf)).rejects.toThrow(/injected failure/);
    await beforeCommit;
    expect(await balance('FNP-018')).toBe(6);
    expect(await recorded('expiry-warning-%')).toEqual([]);

    const afterCommit = failFirst('after-commit', 'expire:');
    await expect(runExpiry(jifen.context, village, asOf)).rejects.toThrow(/injected failure/);
    await afterCommit;
    expect(await balance('FNP-018')).toBe(0);
    const warnings = await recorded('expiry-warning-%');
    expect(warnings.map((m) => m.address)).toContain(phoneOf('FNP-024'));
    expect(warnings.every((m) => m.status === 'pending')).toBe(true);
    expect(sentTo(phoneOf('FNP-024'))).toEqual([]);

    await relayLeftovers(jifen.context, 0);
    await jifen.waitFor(async () => (await recorded('expiry-warning-%')).every((m) => m.status !== 'pending'), 'the warnings sent');
    const again = await runExpiry(jifen.context, village, asOf);
    expect(again.expired).toEqual([]);
    await expectNothingLeft();
    expect(sentTo(phoneOf('FNP-024'))).toHaveLength(1);
    expect(await balance('FNP-018')).toBe(0);
    await expectLedgerSound();
  });

  it('a weekly chunk: a failure before commit records nothing; after commit the outbox is relayed and each household is told once', async () => {
    const [chunk] = await householdChunks(db(), village.id, 500);
    const range = { villageId: village.id, firstHouseholdId: chunk!.first, lastHouseholdId: chunk!.last };
    const now = noon('2026-12-03');
    const weeklyOf = (week: string) => db().select().from(outboundMessages).where(like(outboundMessages.dedupeKey, `weekly-%-${week}`));

    const beforeCommit = failFirst('before-commit', 'weekly-chunk:');
    await expect(notifyHouseholds(jifen.context, village, '2026-W40', range, { now })).rejects.toThrow(/injected failure/);
    await beforeCommit;
    expect(await weeklyOf('2026-W40')).toEqual([]);
    const first = await notifyHouseholds(jifen.context, village, '2026-W40', range, { now });
    expect(first.notified).toBeGreaterThan(30);

    const afterCommit = failFirst('after-commit', 'weekly-chunk:');
    await expect(notifyHouseholds(jifen.context, village, '2026-W41', range, { now })).rejects.toThrow(/injected failure/);
    await afterCommit;
    const committed = await weeklyOf('2026-W41');
    expect(committed.length).toBe(first.notified);
    expect(committed.every((m) => m.status === 'pending')).toBe(true);
    expect(await outboxRows()).toBeGreaterThan(0);
    await relayLeftovers(jifen.context, 0);

    for (const week of ['2026-W40', '2026-W41']) {
      await jifen.waitFor(async () => (await weeklyOf(week)).every((m) => m.status !== 'pending'), `the ${week} notices sent`);
    }
    await expectNothingLeft();
    const sms = await db().select().from(outboundMessages).where(and(like(outboundMessages.dedupeKey, 'weekly-%'), eq(outboundMessages.channel, 'sms')));
    expect(sms.length).toBeGreaterThan(0);
    // Two weeks, each household once a week: as many weekly SMS reached the provider as were recorded sent, nothing twice.
    const sentSms = jifen.twilioApi.requests.filter((r) => r.method === 'POST' && (r.form.Body ?? '').includes('本周'));
    expect(sentSms).toHaveLength(sms.filter((m) => m.status === 'sent').length);
  });
});
