import { and, eq, inArray, ne, or } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { claimEvents, claims, OPEN_CLAIM_STATES, type Cadre, type Claim } from '../db/schema/index.ts';
import type { CadreCommand } from '../understanding/cadre.ts';

export type Decision = Extract<CadreCommand, { intent: 'approve' | 'reject' }>;

export type Target =
  | { kind: 'claim'; claim: Claim }
  | { kind: 'unknown-reference'; reference: number }
  | { kind: 'nothing-waiting' }
  | { kind: 'which-one'; count: number };

/** Claims waiting for this cadre: awaiting review in their village, not of their own household, oldest first. */
export async function waitingFor(db: Executor, cadre: Cadre, limit = 10): Promise<Claim[]> {
  return db.select().from(claims).where(and(
    eq(claims.villageId, cadre.villageId), eq(claims.state, 'awaiting_review'),
    cadre.householdId === null ? undefined : ne(claims.householdId, cadre.householdId),
  )).orderBy(claims.id).limit(limit);
}

/** Which claim a decision is about: the one its reference names, or the only one waiting. */
export async function findTarget(db: Executor, cadre: Cadre, decision: Decision): Promise<Target> {
  if (decision.reference !== undefined) {
    const [claim] = await db.select().from(claims).where(and(
      eq(claims.villageId, cadre.villageId), eq(claims.reference, decision.reference), inArray(claims.state, [...OPEN_CLAIM_STATES]),
    ));
    return claim ? { kind: 'claim', claim } : { kind: 'unknown-reference', reference: decision.reference };
  }
  const waiting = await waitingFor(db, cadre);
  if (waiting.length === 0) return { kind: 'nothing-waiting' };
  if (waiting.length > 1) return { kind: 'which-one', count: waiting.length };
  return { kind: 'claim', claim: waiting[0]! };
}

/** The decisions an inbound message already made, if an earlier run of its job got that far. */
export async function decisionsMadeBy(db: Executor, messageId: number) {
  return db.select({ claimId: claimEvents.claimId, toState: claimEvents.toState }).from(claimEvents)
    .where(and(eq(claimEvents.messageId, messageId), or(eq(claimEvents.toState, 'approved'), eq(claimEvents.toState, 'rejected'))))
    .orderBy(claimEvents.id);
}
