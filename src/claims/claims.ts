import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Executor, Transaction } from '../db/database.ts';
import {
  claimEvents, claims, COUNTED_CLAIM_STATES, OPEN_CLAIM_STATES, households, members, rules, villages, type Claim, type ClaimState,
} from '../db/schema/index.ts';

export interface Transition {
  actor: string;
  channel?: string;
  messageId?: number;
  /** Why (a rejection, a refused cap): recorded on the event and kept on the claim. */
  reason?: string;
  detail?: Record<string, unknown>;
  /** Columns to set together with the state. */
  set?: Partial<Pick<Claim, 'points' | 'reference' | 'reviewedBy' | 'ruleId'>>;
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

/** One step of several taken at once (see advance). */
export interface Step {
  to: ClaimState;
  reason?: string;
  detail?: Record<string, unknown>;
}

/**
 * Takes a claim through several states at once, only from the expected state: one UPDATE to the
 * last state (with `set`) and one INSERT of every step's event, in order. Undefined when the
 * claim was not in `from`.
 */
export async function advance(tx: Transaction, claimId: number, from: ClaimState, steps: Step[], how: { actor: string; set?: Partial<Record<'points' | 'reference', number | SQL>> }): Promise<Claim | undefined> {
  const last = steps.at(-1);
  if (!last) return undefined;
  const reason = [...steps].reverse().find((step) => step.reason !== undefined)?.reason;
  const [claim] = await tx.update(claims).set({ ...how.set, ...(reason === undefined ? {} : { reason }), state: last.to })
    .where(and(eq(claims.id, claimId), eq(claims.state, from))).returning();
  if (!claim) return undefined;
  await tx.insert(claimEvents).values(steps.map((step, i) => ({
    claimId, fromState: i === 0 ? from : steps[i - 1]!.to, toState: step.to, actor: how.actor, reason: step.reason, detail: step.detail,
  })));
  return claim;
}

/**
 * A free four-digit reference for the village's open claims, picked in the statement that sets it:
 * twenty random candidates, the first not in use. Two transactions that pick the same one at once
 * meet the unique index and the later one's job is retried.
 */
export const freeReference = (villageId: number) => sql<number>`(
  select candidate from (select (1000 + floor(random() * 9000))::int as candidate from generate_series(1, 20)) as c
  where not exists (select 1 from jifen.claims o where o.village_id = ${villageId} and o.reference = c.candidate
    and o.state in (${sql.join(OPEN_CLAIM_STATES.map((state) => sql`${state}`), sql`, `)}))
  limit 1)`;

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

/** Claims of the same household and item that count against the cap of this claim's period. */
export async function countTowardCap(tx: Executor, claim: Claim): Promise<number> {
  const [row] = await tx.select({ count: sql<number>`count(*)::int` }).from(claims).where(and(
    eq(claims.householdId, claim.householdId), eq(claims.ruleId, claim.ruleId), eq(claims.periodKey, claim.periodKey),
    sql`${claims.id} <> ${claim.id}`, inArray(claims.state, [...COUNTED_CLAIM_STATES]),
  ));
  return row!.count;
}
