import { and, eq, ne, or, sql } from 'drizzle-orm';
import { lockOpenClaimByReference } from '../claims/claims.ts';
import type { Executor } from '../db/database.ts';
import { claimEvents, claims, reviewApprovals, rules, type Cadre, type Claim, type Village } from '../db/schema/index.ts';
import type { CadreCommand } from '../understanding/cadre.ts';
import { needsTwoApprovers } from './policy.ts';

export type Decision = Extract<CadreCommand, { intent: 'approve' | 'reject' }>;

export type Target =
  | { kind: 'claim'; claim: Claim }
  | { kind: 'unknown-reference'; reference: number }
  | { kind: 'nothing-waiting' }
  | { kind: 'which-one'; count: number };

/** A claim's review round in SQL: one more for each objection during publicity that sent it back. */
const roundOfClaim = sql`(select count(*)::int from ${claimEvents} e where e.claim_id = ${claims.id} and e.from_state = 'publicity' and e.to_state = 'awaiting_review')`;

/**
 * Claims waiting for this cadre, oldest first: awaiting review in their village, not of their own
 * household, not approved by them already in this round, and no two-person item they entered (代报).
 */
export async function waitingFor(db: Executor, cadre: Cadre & { village: Village }, limit = 10): Promise<Claim[]> {
  const rows = await db.select({ claim: claims, rule: rules }).from(claims).innerJoin(rules, eq(rules.id, claims.ruleId)).where(and(
    eq(claims.villageId, cadre.villageId), eq(claims.state, 'awaiting_review'),
    cadre.householdId === null ? undefined : ne(claims.householdId, cadre.householdId),
    sql`not exists (select 1 from ${reviewApprovals} a where a.claim_id = ${claims.id} and a.cadre_id = ${cadre.id} and a.round = ${roundOfClaim})`,
  )).orderBy(claims.id).limit(limit);
  return rows.filter(({ claim, rule }) => !(claim.enteredBy === cadre.id && needsTwoApprovers(rule, claim.points, cadre.village)))
    .map(({ claim }) => claim);
}

/** Which claim a decision is about: the one its reference names, or the only one waiting. */
export async function findTarget(db: Executor, cadre: Cadre & { village: Village }, decision: Decision): Promise<Target> {
  if (decision.reference !== undefined) {
    // Read with its lock: the decision's own locked read finds it in the transaction.
    const loaded = await lockOpenClaimByReference(db, cadre.villageId, decision.reference);
    return loaded ? { kind: 'claim', claim: loaded.claim } : { kind: 'unknown-reference', reference: decision.reference };
  }
  const waiting = await waitingFor(db, cadre);
  if (waiting.length === 0) return { kind: 'nothing-waiting' };
  if (waiting.length > 1) return { kind: 'which-one', count: waiting.length };
  return { kind: 'claim', claim: waiting[0]! };
}

/** approved, rejected, or first_approval (a vote on a two-person item: the claim still awaits review). */
export type Verdict = 'approved' | 'rejected' | 'first_approval';

/** The decisions an inbound message already made, if an earlier run of its job got that far. */
export async function decisionsMadeBy(db: Executor, messageId: number): Promise<{ claimId: number; verdict: Verdict }[]> {
  const events = await db.select({ claimId: claimEvents.claimId, toState: claimEvents.toState }).from(claimEvents)
    .where(and(eq(claimEvents.messageId, messageId), or(
      eq(claimEvents.toState, 'approved'), eq(claimEvents.toState, 'rejected'),
      and(eq(claimEvents.fromState, 'awaiting_review'), eq(claimEvents.toState, 'awaiting_review')),
    )))
    .orderBy(claimEvents.id);
  return events.map(({ claimId, toState }) => ({ claimId, verdict: toState === 'awaiting_review' ? 'first_approval' : toState as Verdict }));
}
