import { and, eq, isNull, or } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { accounts, type AccountKind } from '../db/schema/index.ts';

const SYSTEM_KINDS: AccountKind[] = ['issuance', 'supermarket', 'adjustment'];

/** The village's issuance, supermarket and adjustment accounts, created once. */
export async function ensureSystemAccounts(tx: Executor, villageId: number): Promise<void> {
  await tx.insert(accounts).values(SYSTEM_KINDS.map((kind) => ({ villageId, kind }))).onConflictDoNothing();
}

export async function systemAccountId(tx: Executor, villageId: number, kind: Exclude<AccountKind, 'household'>): Promise<number> {
  const [row] = await tx.select({ id: accounts.id }).from(accounts)
    .where(and(eq(accounts.villageId, villageId), eq(accounts.kind, kind), isNull(accounts.householdId)));
  if (!row) throw new Error(`village ${villageId} has no ${kind} account; import the village first`);
  return row.id;
}

export async function householdAccountId(tx: Executor, householdId: number): Promise<number> {
  const [row] = await tx.select({ id: accounts.id }).from(accounts).where(eq(accounts.householdId, householdId));
  if (!row) throw new Error(`household ${householdId} has no ledger account; import the village first`);
  return row.id;
}

/** A household's account and its village's account of `kind`, read in one statement (an award, a posting). */
export async function householdAndSystemAccountIds(tx: Executor, householdId: number, villageId: number, kind: Exclude<AccountKind, 'household'>): Promise<{ household: number; system: number }> {
  const rows = await tx.select({ id: accounts.id, householdId: accounts.householdId }).from(accounts)
    .where(or(eq(accounts.householdId, householdId), and(eq(accounts.villageId, villageId), eq(accounts.kind, kind), isNull(accounts.householdId))));
  const household = rows.find((row) => row.householdId === householdId);
  const system = rows.find((row) => row.householdId === null);
  if (!household) throw new Error(`household ${householdId} has no ledger account; import the village first`);
  if (!system) throw new Error(`village ${villageId} has no ${kind} account; import the village first`);
  return { household: household.id, system: system.id };
}
