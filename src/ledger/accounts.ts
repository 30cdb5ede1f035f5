import { and, eq, isNull } from 'drizzle-orm';
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
