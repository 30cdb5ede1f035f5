import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { closeContext, createContext, type Context } from '../../src/context.ts';
import { accounts, households, ledgerEntries, ledgerTransactions } from '../../src/db/schema/index.ts';
import { householdAccountId, systemAccountId } from '../../src/ledger/accounts.ts';
import { householdBalance } from '../../src/ledger/balance.ts';
import {
  IdempotencyConflictError, InsufficientPointsError, post, reverse, type Entry, type Posting, type PostingResult,
} from '../../src/ledger/ledger.ts';
import { verifyLedger } from '../../src/ledger/verify.ts';
import { createLogger } from '../../src/log.ts';
import { importVillage } from '../../src/village/import.ts';
import { readVillageFile } from '../../src/village/village-file.ts';
import { createTestDatabase, testBackend, type TestDatabase } from '../support/backend.ts';

const EXAMPLE_VILLAGE = path.resolve(import.meta.dirname, '../../example/fangniuping.yaml');

/** mulberry32: a tiny seeded PRNG, so a failing sequence can be replayed exactly. */
function prng(seed: number): (n: number) => number {
  let state = seed >>> 0;
  return (n) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

describe(`the ledger (${testBackend})`, () => {
  let database: TestDatabase | undefined;
  let context: Context;
  let villageId: number;
  let issuance: number;
  let supermarket: number;
  const accountIds = new Map<string, number>();

  const account = (household: string) => {
    const id = accountIds.get(household);
    if (id === undefined) throw new Error(`no account for ${household}`);
    return id;
  };
  const awardPosting = (key: string, household: string, points: number): Posting => ({
    idempotencyKey: key, kind: 'award', memo: `${household} +${points}`, affectsLifetime: true,
    entries: [{ accountId: account(household), amount: points }, { accountId: issuance, amount: -points }],
  });
  const spendPosting = (key: string, household: string, points: number): Posting => ({
    idempotencyKey: key, kind: 'spend', memo: `${household} -${points}`, affectsLifetime: false,
    entries: [{ accountId: account(household), amount: -points }, { accountId: supermarket, amount: points }],
  });
  const postAlone = (posting: Posting) => context.db.transaction((tx) => post(tx, posting));
  const transactionCount = async () => (await verifyLedger(context.db)).transactions;
  /** Sum of the entries on one account, straight from the append-only table. */
  const entrySum = async (accountId: number) => {
    const [row] = await context.db.select({ total: sql<number>`coalesce(sum(${ledgerEntries.amount}), 0)::bigint` })
      .from(ledgerEntries).where(eq(ledgerEntries.accountId, accountId));
    return row!.total;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    context = await createContext(database.config, { log: createLogger('silent') });
    await importVillage(context.db, await readVillageFile(EXAMPLE_VILLAGE));
    const rows = await context.db.select({ code: households.code, householdId: households.id, villageId: households.villageId }).from(households);
    expect(rows).toHaveLength(40);
    for (const row of rows) accountIds.set(row.code, await householdAccountId(context.db, row.householdId));
    villageId = rows[0]!.villageId;
    issuance = await systemAccountId(context.db, villageId, 'issuance');
    supermarket = await systemAccountId(context.db, villageId, 'supermarket');
  });

  afterAll(async () => {
    if (context) await closeContext(context);
    await database?.drop();
  });

  it('starts from a consistent, empty ledger', async () => {
    expect(await verifyLedger(context.db)).toEqual({ ok: true, transactions: 0, accounts: 43, problems: [] });
    const system = await context.db.select({ kind: accounts.kind }).from(accounts)
      .where(and(eq(accounts.villageId, villageId), isNull(accounts.householdId))).orderBy(accounts.kind);
    expect(system.map((row) => row.kind)).toEqual(['adjustment', 'issuance', 'supermarket']);
  });

  it('applies every entry of a posting that names one household account twice', async () => {
    const household = 'FNP-037';
    await postAlone({
      idempotencyKey: 'split-award', kind: 'award', memo: `${household} +3 +2`, affectsLifetime: true,
      entries: [{ accountId: account(household), amount: 3 }, { accountId: account(household), amount: 2 }, { accountId: issuance, amount: -5 }],
    });
    expect(await householdBalance(context.db, household)).toEqual({ household, balance: 5, lifetime: 5 });
    expect((await verifyLedger(context.db)).ok).toBe(true);
    await postAlone({ ...spendPosting('split-award-spent', household, 5) });
    expect(await householdBalance(context.db, household)).toEqual({ household, balance: 0, lifetime: 5 });
  });

  it('keeps balances, lifetime totals and entries equal to a model over a random sequence of postings', async () => {
    const random = prng(20_260_519);
    const players = ['FNP-001', 'FNP-002', 'FNP-003', 'FNP-004'];
    const model = new Map(players.map((code) => [code, { balance: 0, lifetime: 0 }]));
    const codeOf = new Map(players.map((code) => [account(code), code]));
    const startingTransactions = await transactionCount();
    const startingIssuance = await entrySum(issuance);
    const startingSupermarket = await entrySum(supermarket);
    let issued = 0;
    let spent = 0;

    interface Posted { id: number; entries: Entry[]; affectsLifetime: boolean; posting?: Posting }
    const posted: Posted[] = [];
    const reversedBy = new Map<number, number>();
    const tally = { awards: 0, spends: 0, refusedSpends: 0, reversals: 0, refusedReversals: 0, repeatedReversals: 0, replays: 0 };

    /** Applies entries to the model; returns false (and changes nothing) if a household would go below zero. */
    const apply = (entries: Entry[], affectsLifetime: boolean): boolean => {
      const next = new Map([...model].map(([code, state]) => [code, { ...state }]));
      for (const entry of entries) {
        const code = codeOf.get(entry.accountId);
        if (!code) continue;
        const state = next.get(code)!;
        state.balance += entry.amount;
        if (affectsLifetime) state.lifetime += entry.amount;
      }
      if ([...next.values()].some((state) => state.balance < 0)) return false;
      for (const [code, state] of next) model.set(code, state);
      for (const entry of entries) {
        if (entry.accountId === issuance) issued -= entry.amount;
        if (entry.accountId === supermarket) spent += entry.amount;
      }
      return true;
    };

    const expectModel = async (step: number) => {
      const report = await verifyLedger(context.db);
      expect(report.problems, `after operation ${step}`).toEqual([]);
      expect(report.ok).toBe(true);
      expect(report.transactions).toBe(startingTransactions + posted.length);
      for (const [code, state] of model) {
        expect(await householdBalance(context.db, code), `${code} after operation ${step}`)
          .toEqual({ household: code, balance: state.balance, lifetime: state.lifetime });
      }
      expect(await entrySum(issuance)).toBe(startingIssuance - issued);
      expect(await entrySum(supermarket)).toBe(startingSupermarket + spent);
    };

    const OPERATIONS = 320;
    for (let step = 1; step <= OPERATIONS; step++) {
      const roll = random(100);
      const household = players[random(players.length)]!;
      const key = `property-${step}`;
      if (roll < 40 || posted.length === 0) {
        const posting = awardPosting(key, household, 1 + random(10));
        const result = await postAlone(posting);
        expect(result.replayed).toBe(false);
        expect(apply(posting.entries, true)).toBe(true);
        posted.push({ id: result.transactionId, entries: posting.entries, affectsLifetime: true, posting });
        tally.awards++;
      } else if (roll < 75) {
        const posting = spendPosting(key, household, 1 + random(20));
        if (model.get(household)!.balance >= -posting.entries[0]!.amount) {
          const result = await postAlone(posting);
          expect(result.replayed).toBe(false);
          expect(apply(posting.entries, false)).toBe(true);
          posted.push({ id: result.transactionId, entries: posting.entries, affectsLifetime: false, posting });
          tally.spends++;
        } else {
          await expect(postAlone(posting), `spend at operation ${step}`).rejects.toBeInstanceOf(InsufficientPointsError);
          tally.refusedSpends++;
        }
      } else if (roll < 93) {
        const target = posted[random(posted.length)]!;
        const earlier = reversedBy.get(target.id);
        if (earlier !== undefined) {
          // Reversing twice is a replay of the first reversal, whatever the memo says.
          expect(await context.db.transaction((tx) => reverse(tx, target.id, `again ${step}`)))
            .toEqual({ transactionId: earlier, replayed: true });
          tally.repeatedReversals++;
        } else {
          const mirrored = target.entries.map((e) => ({ accountId: e.accountId, amount: -e.amount }));
          if (apply(mirrored, target.affectsLifetime)) {
            const result = await context.db.transaction((tx) => reverse(tx, target.id, `undo ${target.id}`));
            expect(result.replayed).toBe(false);
            posted.push({ id: result.transactionId, entries: mirrored, affectsLifetime: target.affectsLifetime });
            reversedBy.set(target.id, result.transactionId);
            tally.reversals++;
          } else {
            await expect(context.db.transaction((tx) => reverse(tx, target.id, `undo ${target.id}`)), `reversal at operation ${step}`)
              .rejects.toBeInstanceOf(InsufficientPointsError);
            tally.refusedReversals++;
          }
        }
      } else {
        const originals = posted.filter((p) => p.posting);
        const original = originals[random(originals.length)]!;
        // Same key, same content (the memo is not content): a replay that moves nothing.
        expect(await postAlone({ ...original.posting!, memo: `replayed at ${step}` })).toEqual({ transactionId: original.id, replayed: true });
        tally.replays++;
      }
      if (step % 20 === 0) await expectModel(step);
    }

    // The seed must have exercised every path, or the test proves less than it claims.
    for (const [path, count] of Object.entries(tally)) expect(count, path).toBeGreaterThanOrEqual(5);
    expect(Object.values(tally).reduce((a, b) => a + b, 0)).toBe(OPERATIONS);
    // Lifetime only ever moves with awards and their reversals; spending never lowers it.
    for (const state of model.values()) expect(state.lifetime).toBeGreaterThanOrEqual(state.balance);
  });

  describe('the database itself', () => {
    it('refuses a negative household balance', async () => {
      const id = account('FNP-010');
      await expect(context.database.pool.query('update jifen.accounts set balance = -1 where id = $1', [id]))
        .rejects.toMatchObject({ code: '23514', constraint: 'household_balance_never_negative' });
      expect(await householdBalance(context.db, 'FNP-010')).toEqual({ household: 'FNP-010', balance: 0, lifetime: 0 });
    });

    it('refuses UPDATE, DELETE and TRUNCATE on ledger entries, transactions and claim events', async () => {
      const { transactionId } = await postAlone(awardPosting('append-only', 'FNP-011', 3));
      const pool = context.database.pool;
      const refusals: Array<[string, string]> = [
        [`update jifen.ledger_entries set amount = amount * 10 where transaction_id = ${transactionId}`, 'UPDATE on ledger_entries'],
        [`delete from jifen.ledger_entries where transaction_id = ${transactionId}`, 'DELETE on ledger_entries'],
        [`update jifen.ledger_transactions set memo = 'rewritten' where id = ${transactionId}`, 'UPDATE on ledger_transactions'],
        [`delete from jifen.ledger_transactions where id = ${transactionId}`, 'DELETE on ledger_transactions'],
        ['truncate jifen.ledger_entries', 'TRUNCATE on ledger_entries'],
        ['truncate jifen.ledger_transactions cascade', 'TRUNCATE on ledger_transactions'],
        ['truncate jifen.claim_events', 'TRUNCATE on claim_events'],
      ];
      for (const [statement, what] of refusals) {
        await expect(pool.query(statement), statement)
          .rejects.toMatchObject({ code: '42501', message: `the ledger is append-only: ${what} is not allowed` });
      }
      const [transaction] = await context.db.select().from(ledgerTransactions).where(eq(ledgerTransactions.id, transactionId));
      expect(transaction).toMatchObject({ idempotencyKey: 'append-only', memo: 'FNP-011 +3', kind: 'award' });
      const entries = await context.db.select({ accountId: ledgerEntries.accountId, amount: ledgerEntries.amount })
        .from(ledgerEntries).where(eq(ledgerEntries.transactionId, transactionId)).orderBy(ledgerEntries.amount);
      expect(entries).toEqual([{ accountId: issuance, amount: -3 }, { accountId: account('FNP-011'), amount: 3 }]);
      expect(await householdBalance(context.db, 'FNP-011')).toEqual({ household: 'FNP-011', balance: 3, lifetime: 3 });
      expect((await verifyLedger(context.db)).problems).toEqual([]);
    });

    it('refuses at COMMIT a transaction whose entries do not sum to zero', async () => {
      const cases: Array<{ key: string; entries: Array<[number, number]>; count: number; sum: number }> = [
        { key: 'raw-unbalanced-pair', entries: [[account('FNP-012'), 5], [issuance, -3]], count: 2, sum: 2 },
        { key: 'raw-single-entry', entries: [[account('FNP-012'), 5]], count: 1, sum: 5 },
      ];
      const before = await transactionCount();
      for (const { key, entries, count, sum } of cases) {
        const client = await context.database.pool.connect();
        try {
          await client.query('begin');
          const { rows } = await client.query<{ id: number }>(
            `insert into jifen.ledger_transactions (idempotency_key, input_hash, kind, memo, affects_lifetime)
             values ($1, 'raw', 'award', 'raw sql', true) returning id`, [key]);
          const id = rows[0]!.id;
          // The check is deferred: each insert on its own is accepted…
          for (const [accountId, amount] of entries) {
            await client.query('insert into jifen.ledger_entries (transaction_id, account_id, amount) values ($1, $2, $3)', [id, accountId, amount]);
          }
          // …and the whole transaction is refused when it commits.
          await expect(client.query('commit')).rejects.toMatchObject({
            code: '23514', message: `ledger transaction ${id} is unbalanced: ${count} entries summing to ${sum}`,
          });
        } finally {
          client.release();
        }
      }
      expect(await transactionCount()).toBe(before);
      const left = await context.db.select().from(ledgerTransactions).where(inArray(ledgerTransactions.idempotencyKey, cases.map((c) => c.key)));
      expect(left).toEqual([]);

      // A balanced raw transaction between system accounts commits: the trigger refuses only imbalance.
      const client = await context.database.pool.connect();
      try {
        await client.query('begin');
        const { rows } = await client.query<{ id: number }>(
          `insert into jifen.ledger_transactions (idempotency_key, input_hash, kind, memo, affects_lifetime)
           values ('raw-balanced', 'raw', 'transfer', 'raw sql', false) returning id`);
        await client.query('insert into jifen.ledger_entries (transaction_id, account_id, amount) values ($1, $2, -4), ($1, $3, 4)', [rows[0]!.id, issuance, supermarket]);
        await client.query('commit');
      } finally {
        client.release();
      }
      expect(await verifyLedger(context.db)).toMatchObject({ ok: true, transactions: before + 1, problems: [] });
    });
  });

  describe('idempotency', () => {
    it('replays the same key with the same content and refuses it with other content', async () => {
      const before = await transactionCount();
      const posting = awardPosting('claim-idempotent', 'FNP-020', 4);
      const first = await postAlone(posting);
      expect(first.replayed).toBe(false);
      expect(await householdBalance(context.db, 'FNP-020')).toEqual({ household: 'FNP-020', balance: 4, lifetime: 4 });

      expect(await postAlone(posting)).toEqual({ transactionId: first.transactionId, replayed: true });
      // Entry order and memo are not content.
      expect(await postAlone({ ...posting, memo: 'other words', entries: [...posting.entries].reverse() }))
        .toEqual({ transactionId: first.transactionId, replayed: true });

      const conflicts: Posting[] = [
        awardPosting('claim-idempotent', 'FNP-020', 5),
        awardPosting('claim-idempotent', 'FNP-021', 4),
        { ...posting, kind: 'deduction' },
        { ...posting, affectsLifetime: false },
        { ...posting, reversesId: first.transactionId },
      ];
      for (const conflict of conflicts) {
        await expect(postAlone(conflict)).rejects.toBeInstanceOf(IdempotencyConflictError);
      }
      expect(await householdBalance(context.db, 'FNP-020')).toEqual({ household: 'FNP-020', balance: 4, lifetime: 4 });
      expect(await householdBalance(context.db, 'FNP-021')).toEqual({ household: 'FNP-021', balance: 0, lifetime: 0 });
      expect(await transactionCount()).toBe(before + 1);
      expect((await verifyLedger(context.db)).ok).toBe(true);
    });

    it('posts a key once when the same posting arrives concurrently', async () => {
      const posting = awardPosting('claim-raced', 'FNP-022', 7);
      const results = await Promise.all(Array.from({ length: 8 }, () => postAlone(posting)));
      const fresh = results.filter((r) => !r.replayed);
      expect(fresh).toHaveLength(1);
      expect(new Set(results.map((r) => r.transactionId))).toEqual(new Set([fresh[0]!.transactionId]));
      expect(await householdBalance(context.db, 'FNP-022')).toEqual({ household: 'FNP-022', balance: 7, lifetime: 7 });
      expect((await verifyLedger(context.db)).ok).toBe(true);
    });
  });

  describe('concurrency', () => {
    it('lets exactly as many concurrent spends through as the balance covers', async () => {
      await postAlone(awardPosting('fund-FNP-030', 'FNP-030', 30));
      const settled = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => postAlone(spendPosting(`spend-FNP-030-${i}`, 'FNP-030', 3))));
      const fulfilled = settled.filter((s): s is PromiseFulfilledResult<PostingResult> => s.status === 'fulfilled');
      const rejected = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
      expect(fulfilled).toHaveLength(10);
      expect(fulfilled.every((s) => !s.value.replayed)).toBe(true);
      expect(rejected).toHaveLength(10);
      for (const failure of rejected) expect(failure.reason).toBeInstanceOf(InsufficientPointsError);

      expect(await householdBalance(context.db, 'FNP-030')).toEqual({ household: 'FNP-030', balance: 0, lifetime: 30 });
      expect(await entrySum(account('FNP-030'))).toBe(0);
      const spends = await context.db.select({ id: ledgerTransactions.id }).from(ledgerTransactions)
        .where(sql`${ledgerTransactions.idempotencyKey} like 'spend-FNP-030-%'`);
      expect(spends).toHaveLength(10);
      expect(await verifyLedger(context.db)).toMatchObject({ ok: true, problems: [] });
    });

    it('loses no update when many awards reach one household at once', async () => {
      await Promise.all(Array.from({ length: 25 }, (_, i) => postAlone(awardPosting(`award-FNP-031-${i}`, 'FNP-031', 2))));
      expect(await householdBalance(context.db, 'FNP-031')).toEqual({ household: 'FNP-031', balance: 50, lifetime: 50 });
      expect(await verifyLedger(context.db)).toMatchObject({ ok: true, problems: [] });
    });
  });

  describe('verifyLedger', () => {
    it('names a household whose stored balance or lifetime drifted from its entries', async () => {
      await postAlone(awardPosting('drift-fixture', 'FNP-038', 6));
      const pool = context.database.pool;
      const drift = async (column: 'balance' | 'lifetime_earned', household: string, delta: number) => {
        const { rowCount } = await pool.query(`update jifen.accounts set ${column} = ${column} + $1 where id = $2`, [delta, account(household)]);
        expect(rowCount).toBe(1);
      };

      await drift('balance', 'FNP-038', 5);
      expect(await verifyLedger(context.db)).toMatchObject({
        ok: false, problems: ['household FNP-038: balance 11 (entries say 6), lifetime 6 (entries say 6)'],
      });

      await drift('lifetime_earned', 'FNP-040', 7);
      const report = await verifyLedger(context.db);
      expect(report.ok).toBe(false);
      expect([...report.problems].sort()).toEqual([
        'household FNP-038: balance 11 (entries say 6), lifetime 6 (entries say 6)',
        'household FNP-040: balance 0 (entries say 0), lifetime 7 (entries say 0)',
      ]);

      await drift('balance', 'FNP-038', -5);
      await drift('lifetime_earned', 'FNP-040', -7);
      expect(await verifyLedger(context.db)).toMatchObject({ ok: true, problems: [] });
    });
  });
});
