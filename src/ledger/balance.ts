import { eq } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { accounts, households } from '../db/schema/index.ts';

export interface HouseholdBalance {
  household: string;
  balance: number;
  lifetime: number;
}

export class UnknownHouseholdError extends Error {}

/** A household's redeemable balance and lifetime earned total. */
export async function householdBalance(db: Executor, householdCode: string): Promise<HouseholdBalance> {
  const [row] = await db.select({ balance: accounts.balance, lifetime: accounts.lifetimeEarned })
    .from(accounts).innerJoin(households, eq(households.id, accounts.householdId))
    .where(eq(households.code, householdCode));
  if (!row) throw new UnknownHouseholdError(`no household ${householdCode}`);
  return { household: householdCode, balance: row.balance, lifetime: row.lifetime };
}
