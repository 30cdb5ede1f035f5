import { and, desc, eq, ilike, inArray, or, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import {
  accounts, cadres, claims, deductions, households, ledgerEntries, ledgerTransactions, members, optOuts, redemptions, rules, villages,
} from '../db/schema/index.ts';

const SEARCH_LIMIT = 30;
const STATEMENT_LIMIT = 200;

/** Households of these villages whose code, head, member name or phone contains the query; all of them for an empty one. */
export async function searchHouseholds(db: Executor, villageIds: number[], query: string) {
  const like = `%${query.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
  const digits = query.replace(/\D/g, '');
  const matches = query ? or(
    ilike(households.code, like), ilike(households.head, like), ilike(members.name, like),
    digits.length >= 4 ? ilike(members.phone, `%${digits}%`) : undefined,
  ) : undefined;
  return db.selectDistinct({ code: households.code, head: households.head, village: villages.name, balance: accounts.balance }).from(households)
    .innerJoin(villages, eq(villages.id, households.villageId))
    .leftJoin(members, eq(members.householdId, households.id))
    .leftJoin(accounts, eq(accounts.householdId, households.id))
    .where(and(inArray(households.villageId, villageIds), matches)).orderBy(households.code).limit(SEARCH_LIMIT);
}

/** Who decided a ledger entry: the claim's reviewer, the cadre at the counter, the cadre who deducted. */
const decidedBy = sql<string | null>`(select name from ${cadres} k where k.id = coalesce(${claims.reviewedBy}, ${redemptions.cadreId}, ${deductions.cadreId}))`;

/**
 * Household ledger entries with what they were for: the date, the transaction's kind and memo, the
 * item (of the claim or deduction), the reason and the cadre who decided. The caller adds `where`.
 */
export const ledgerLines = (db: Executor) => db.select({
  at: ledgerTransactions.createdAt, kind: ledgerTransactions.kind, memo: ledgerTransactions.memo, amount: ledgerEntries.amount,
  item: rules.name, reason: claims.reason, decidedBy, household: households.code, head: households.head,
}).from(ledgerEntries).innerJoin(ledgerTransactions, eq(ledgerTransactions.id, ledgerEntries.transactionId))
  .innerJoin(accounts, eq(accounts.id, ledgerEntries.accountId)).innerJoin(households, eq(households.id, accounts.householdId))
  .leftJoin(claims, eq(ledgerTransactions.idempotencyKey, sql`'claim-' || ${claims.id}`))
  .leftJoin(redemptions, eq(redemptions.transactionId, ledgerTransactions.id))
  .leftJoin(deductions, eq(deductions.transactionId, ledgerTransactions.id))
  .leftJoin(rules, eq(rules.id, sql`coalesce(${claims.ruleId}, ${deductions.ruleId})`));

/** A household of these villages with its members, opt-outs, balance, statement (every ledger entry) and deductions. */
export async function householdRecord(db: Executor, villageIds: number[], code: string) {
  const [row] = await db.select({ household: households, village: villages, account: accounts }).from(households)
    .innerJoin(villages, eq(villages.id, households.villageId)).innerJoin(accounts, eq(accounts.householdId, households.id))
    .where(and(eq(households.code, code), inArray(households.villageId, villageIds)));
  if (!row) return undefined;
  const people = await db.select().from(members).where(eq(members.householdId, row.household.id)).orderBy(members.id);
  const addresses = people.flatMap((m) => [m.phone, m.wechat]).filter((a): a is string => !!a);
  const optedOut = addresses.length === 0 ? [] : await db.select().from(optOuts).where(inArray(optOuts.address, addresses));
  const statement = await ledgerLines(db).where(eq(ledgerEntries.accountId, row.account.id)).orderBy(desc(ledgerEntries.id)).limit(STATEMENT_LIMIT);
  const deducted = await db.select({ deduction: deductions, item: rules.name }).from(deductions).innerJoin(rules, eq(rules.id, deductions.ruleId))
    .where(eq(deductions.householdId, row.household.id)).orderBy(desc(deductions.id));
  return { ...row, members: people, optedOut, statement, deductions: deducted };
}

/** Balances of every household of these villages, for the export. */
export const balancesOf = (db: Executor, villageIds: number[]) =>
  db.select({ village: villages.name, code: households.code, head: households.head, balance: accounts.balance, lifetime: accounts.lifetimeEarned })
    .from(households).innerJoin(villages, eq(villages.id, households.villageId)).innerJoin(accounts, eq(accounts.householdId, households.id))
    .where(inArray(households.villageId, villageIds)).orderBy(villages.code, households.code);
