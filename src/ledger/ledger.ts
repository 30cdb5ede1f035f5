import { createHash } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { isConstraintViolation } from '../db/errors.ts';
import { ledgerEntries, ledgerTransactions } from '../db/schema/index.ts';

export interface Entry {
  accountId: number;
  amount: number;
}

export interface Posting {
  /** Names the business event (claim-42, reversal-of-7): posting it again is a no-op. */
  idempotencyKey: string;
  kind: string;
  memo: string;
  affectsLifetime: boolean;
  entries: Entry[];
  reversesId?: number;
  /** When it takes effect, if not now: an expiry posts at the moment the points expired. */
  at?: Date;
}

export interface PostingResult {
  transactionId: number;
  /** True when the key had already been posted with the same content. */
  replayed: boolean;
  /** The household accounts the posting moved, with their balance after it (none when replayed). */
  balances?: Map<number, number>;
}

export class LedgerError extends Error {}
export class InsufficientPointsError extends LedgerError {}
export class IdempotencyConflictError extends LedgerError {}

function contentHash(posting: Posting): string {
  const entries = [...posting.entries].sort((a, b) => a.accountId - b.accountId || a.amount - b.amount);
  const content = JSON.stringify([posting.kind, posting.affectsLifetime, posting.reversesId ?? null, entries.map((e) => [e.accountId, e.amount])]);
  return createHash('sha256').update(content).digest('hex');
}

function checkBalanced(posting: Posting): void {
  if (posting.entries.length < 2) throw new LedgerError('a posting needs at least two entries');
  if (posting.entries.some((e) => !Number.isSafeInteger(e.amount) || e.amount === 0)) throw new LedgerError('entry amounts must be non-zero integers');
  const sum = posting.entries.reduce((total, e) => total + e.amount, 0);
  if (sum !== 0) throw new LedgerError(`entries sum to ${sum}, not zero`);
}

/**
 * Appends one balanced transaction and moves the household balances it touches, in ONE statement:
 * the transaction row, its entries and the balances are written only when the key is new. Call it
 * inside the caller's database transaction so the posting and the business state change commit
 * together. A household balance can never go below zero: the database refuses, and so does this function.
 */
export async function post(tx: Executor, posting: Posting): Promise<PostingResult> {
  checkBalanced(posting);
  const inputHash = contentHash(posting);
  const entries = sql.join(posting.entries.map((e) => sql`(${e.accountId}::int, ${e.amount}::bigint)`), sql`, `);
  // One balance update per account (an UPDATE … FROM applies a single match per row), in account
  // order so concurrent postings lock rows alike.
  const deltas = new Map<number, number>();
  for (const e of posting.entries) deltas.set(e.accountId, (deltas.get(e.accountId) ?? 0) + e.amount);
  const rows = [...deltas].sort(([a], [b]) => a - b).map(([accountId, amount]) => sql`(${accountId}::int, ${amount}::bigint)`);
  const lifetime = posting.affectsLifetime ? sql`delta.amount` : sql`0`;
  let result;
  try {
    result = await tx.execute<{ created: number | null; balances: Record<string, number> | null }>(sql`
      with created as (
        insert into ${ledgerTransactions} (idempotency_key, input_hash, kind, memo, affects_lifetime, reverses_id, created_at)
        values (${posting.idempotencyKey}, ${inputHash}, ${posting.kind}, ${posting.memo}, ${posting.affectsLifetime},
                ${posting.reversesId ?? null}::bigint, coalesce(${posting.at?.toISOString() ?? null}::timestamptz, now()))
        on conflict (idempotency_key) do nothing
        returning id),
      entries as (
        insert into ${ledgerEntries} (transaction_id, account_id, amount)
        select created.id, e.account_id, e.amount from created, (values ${entries}) as e(account_id, amount)),
      balances as (
        update jifen.accounts as account
           set balance = account.balance + delta.amount,
               lifetime_earned = account.lifetime_earned + ${lifetime}
          from (values ${sql.join(rows, sql`, `)}) as delta(account_id, amount), created
         where account.id = delta.account_id and account.kind = 'household'
        returning account.id, account.balance)
      select (select id from created) as created, (select jsonb_object_agg(id, balance) from balances) as balances`);
  } catch (error) {
    if (isConstraintViolation(error, 'household_balance_never_negative')) {
      throw new InsufficientPointsError('the household does not have enough points');
    }
    throw error;
  }
  const [row] = result.rows;
  if (row?.created == null) return replay(tx, posting, inputHash);
  const balances = new Map(Object.entries(row.balances ?? {}).map(([id, balance]) => [Number(id), Number(balance)]));
  return { transactionId: Number(row.created), replayed: false, balances };
}

/** A key already posted: the same content answers the first posting, other content is refused. */
async function replay(tx: Executor, posting: Posting, inputHash: string): Promise<PostingResult> {
  const [existing] = await tx.select({ id: ledgerTransactions.id, inputHash: ledgerTransactions.inputHash })
    .from(ledgerTransactions).where(eq(ledgerTransactions.idempotencyKey, posting.idempotencyKey));
  if (existing!.inputHash !== inputHash) {
    throw new IdempotencyConflictError(`idempotency key ${posting.idempotencyKey} was already posted with other content`);
  }
  return { transactionId: existing!.id, replayed: true };
}

/** Posts the mirror image of a transaction: the only way to undo one in an append-only ledger. */
export async function reverse(tx: Executor, transactionId: number, memo: string): Promise<PostingResult> {
  const [original] = await tx.select().from(ledgerTransactions).where(eq(ledgerTransactions.id, transactionId));
  if (!original) throw new LedgerError(`no ledger transaction ${transactionId}`);
  const entries = await tx.select({ accountId: ledgerEntries.accountId, amount: ledgerEntries.amount })
    .from(ledgerEntries).where(eq(ledgerEntries.transactionId, transactionId));
  return post(tx, {
    idempotencyKey: `reversal-of-${transactionId}`, kind: 'reversal', memo, affectsLifetime: original.affectsLifetime,
    reversesId: transactionId, entries: entries.map((e) => ({ accountId: e.accountId, amount: -e.amount })),
  });
}
