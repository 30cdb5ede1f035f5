import { and, eq } from 'drizzle-orm';
import type { Transaction } from '../db/database.ts';
import { accounts, deductionEvents, deductions, type Deduction, type DeductionState, type Household, type Rule } from '../db/schema/index.ts';
import { householdAccountId, systemAccountId } from './accounts.ts';
import { post } from './ledger.ts';

export interface DeductionInput {
  household: Household;
  rule: Rule;
  /** Names the deduction (deduction-message-12-N01): recording it again returns the first record. */
  key: string;
  cadreId: number;
  /** The points to take, when a cadre's 改 says other than the list. */
  points?: number;
  messageId?: number;
  channel?: string;
  replacesId?: number;
}

/** Who changed a deduction, how and why: the appended event. */
export interface DeductionChange {
  actor: string;
  channel?: string;
  messageId?: number;
  reason?: string;
  detail?: Record<string, unknown>;
}

/** Moves a deduction to a new state and appends the event, only from one of the expected states. */
export async function moveDeduction(tx: Transaction, deduction: Deduction, from: readonly DeductionState[], to: DeductionState, how: DeductionChange): Promise<boolean> {
  if (!from.includes(deduction.state)) return false;
  // Only from the state it was read in: of two cadres deciding at once, one decides.
  const moved = await tx.update(deductions).set({ state: to })
    .where(and(eq(deductions.id, deduction.id), eq(deductions.state, deduction.state))).returning({ id: deductions.id });
  if (moved.length === 0) return false;
  await tx.insert(deductionEvents).values({ deductionId: deduction.id, fromState: deduction.state, toState: to, ...how });
  return true;
}

/**
 * Records a deduction from the negative list (负面清单): its own record, and a ledger transaction
 * from the household to the adjustment account. A balance never goes below zero: a household with
 * fewer points than the item costs loses what it has, and one with none is still recorded.
 */
export async function deduct(tx: Transaction, input: DeductionInput): Promise<Deduction> {
  const [earlier] = await tx.select().from(deductions).where(eq(deductions.key, input.key));
  if (earlier) return earlier;
  const { household, rule } = input;
  const accountId = await householdAccountId(tx, household.id);
  // Lock the balance before reading it, so a posting in between cannot make the amount wrong.
  const [account] = await tx.select({ balance: accounts.balance }).from(accounts).where(eq(accounts.id, accountId)).for('update');
  const listed = input.points ?? Math.abs(rule.points);
  const taken = Math.min(listed, account!.balance);
  const posting = taken === 0 ? undefined : await post(tx, {
    idempotencyKey: input.key, kind: 'deduction', affectsLifetime: true, memo: `${household.code} ${rule.code} ${rule.name}`,
    entries: [
      { accountId, amount: -taken },
      { accountId: await systemAccountId(tx, household.villageId, 'adjustment'), amount: taken },
    ],
  });
  const [record] = await tx.insert(deductions).values({
    key: input.key, villageId: household.villageId, householdId: household.id, ruleId: rule.id, pointsListed: listed, pointsTaken: taken,
    cadreId: input.cadreId, messageId: input.messageId ?? null, transactionId: posting?.transactionId ?? null, replacesId: input.replacesId ?? null,
  }).returning();
  await tx.insert(deductionEvents).values({
    deductionId: record!.id, toState: 'recorded', actor: `cadre:${input.cadreId}`, channel: input.channel, messageId: input.messageId,
    detail: { pointsListed: listed, pointsTaken: taken, rule: rule.code },
  });
  return record!;
}
