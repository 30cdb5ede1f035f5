import { randomInt } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Executor, Transaction } from '../db/database.ts';
import { isConstraintViolation } from '../db/errors.ts';
import {
  claimEvents, claims, COUNTED_CLAIM_STATES, households, members, rules, villages, type Claim, type ClaimState,
} from '../db/schema/index.ts';

export interface Transition {
  actor: string;
  channel?: string;
  messageId?: number;
  /** Why (a rejection, a refused cap): recorded on the event and kept on the claim. */
  reason?: string;
  detail?: Record<string, unknown>;
  /** Columns to set together with the state. */
  set?: Partial<Pick<Claim, 'points' | 'reference' | 'reviewedBy'>>;
}

/**
 * Moves a claim from one state to the next and appends the event, only if it is still in the
 * expected state; returns undefined when it was not (another delivery of the same job got there
 * first). Takes a transaction: a state without its event would hide who decided.
 */
export async function transition(tx: Transaction, claimId: number, from: ClaimState, to: ClaimState, how: Transition): Promise<Claim | undefined> {
  const [claim] = await tx.update(claims).set({ ...how.set, ...(how.reason === undefined ? {} : { reason: how.reason }), state: to })
    .where(and(eq(claims.id, claimId), eq(claims.state, from))).returning();
  if (!claim) return undefined;
  await tx.insert(claimEvents).values({
    claimId, fromState: from, toState: to, actor: how.actor, channel: how.channel, messageId: how.messageId, reason: how.reason, detail: how.detail,
  });
  return claim;
}

/** A claim with everything a stage needs to decide and to write to people. */
export async function loadClaim(db: Executor, claimId: number) {
  const [row] = await db.select({ claim: claims, rule: rules, household: households, village: villages, member: members })
    .from(claims)
    .innerJoin(rules, eq(rules.id, claims.ruleId))
    .innerJoin(households, eq(households.id, claims.householdId))
    .innerJoin(villages, eq(villages.id, claims.villageId))
    .leftJoin(members, eq(members.id, claims.memberId))
    .where(eq(claims.id, claimId));
  return row;
}

export type LoadedClaim = NonNullable<Awaited<ReturnType<typeof loadClaim>>>;

/**
 * Four digits, typed easily on a keypad; unique among the village's open claims (a database index
 * enforces it). Each try is its own transaction, so a taken reference only undoes that try.
 */
export async function moveToReviewWithReference(db: Db, claimId: number, how: Transition): Promise<Claim | undefined> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const reference = randomInt(1000, 10_000);
    try {
      return await db.transaction((tx) => transition(tx, claimId, 'scored', 'awaiting_review', { ...how, set: { ...how.set, reference } }));
    } catch (error) {
      if (!isConstraintViolation(error, 'claims_open_reference')) throw error;
    }
  }
  throw new Error('no free claim reference after 20 tries');
}

/** Claims of the same household and item that count against the cap of this claim's period. */
export async function countTowardCap(tx: Executor, claim: Pick<Claim, 'id' | 'householdId' | 'ruleId' | 'periodKey'>): Promise<number> {
  const [row] = await tx.select({ count: sql<number>`count(*)::int` }).from(claims).where(and(
    eq(claims.householdId, claim.householdId), eq(claims.ruleId, claim.ruleId), eq(claims.periodKey, claim.periodKey),
    sql`${claims.id} <> ${claim.id}`, inArray(claims.state, [...COUNTED_CLAIM_STATES]),
  ));
  return row!.count;
}
