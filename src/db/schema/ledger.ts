import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, check, index, integer, serial, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt, jifen } from './namespace.ts';
import { households, villages } from './villages.ts';

export type AccountKind = 'household' | 'issuance' | 'supermarket' | 'adjustment';

/**
 * Double-entry accounts. Only household accounts keep a running balance (and the lifetime
 * earned total): the village's issuance account is derived from its entries, so postings
 * for different households never serialize on one village row.
 */
export const accounts = jifen.table('accounts', {
  id: serial('id').primaryKey(),
  villageId: integer('village_id').notNull().references(() => villages.id),
  kind: text('kind').$type<AccountKind>().notNull(),
  householdId: integer('household_id').unique().references(() => households.id),
  balance: bigint('balance', { mode: 'number' }).notNull().default(0),
  lifetimeEarned: bigint('lifetime_earned', { mode: 'number' }).notNull().default(0),
  createdAt: createdAt(),
}, (t) => [
  check('household_balance_never_negative', sql`${t.kind} <> 'household' or ${t.balance} >= 0`),
  check('household_account_has_household', sql`(${t.kind} = 'household') = (${t.householdId} is not null)`),
  uniqueIndex('accounts_village_system').on(t.villageId, t.kind).where(sql`household_id is null`),
  // The weekly run reads a village's household accounts (ranks over the village).
  index('accounts_village_households').on(t.villageId, t.householdId).where(sql`household_id is not null`),
]);

/** One posting. The idempotency key (e.g. claim-42) makes a replay return the original. */
export const ledgerTransactions = jifen.table('ledger_transactions', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  idempotencyKey: text('idempotency_key').notNull().unique(),
  /** sha256 of the posting's content: the same key with other content is refused. */
  inputHash: text('input_hash').notNull(),
  kind: text('kind').notNull(),
  memo: text('memo').notNull(),
  /** Whether the household entries count toward the lifetime earned total (awards and deductions, not spending or expiry). */
  affectsLifetime: boolean('affects_lifetime').notNull(),
  reversesId: bigint('reverses_id', { mode: 'number' }),
  createdAt: createdAt(),
});

export const ledgerEntries = jifen.table('ledger_entries', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  transactionId: bigint('transaction_id', { mode: 'number' }).notNull().references(() => ledgerTransactions.id),
  accountId: integer('account_id').notNull().references(() => accounts.id),
  amount: bigint('amount', { mode: 'number' }).notNull(),
}, (t) => [
  index('ledger_entries_account').on(t.accountId),
  index('ledger_entries_transaction').on(t.transactionId),
  check('entry_amount_nonzero', sql`${t.amount} <> 0`),
]);

export type Account = typeof accounts.$inferSelect;
