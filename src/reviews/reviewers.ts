import { and, eq } from 'drizzle-orm';
import type { LoadedClaim } from '../claims/claims.ts';
import type { Executor } from '../db/database.ts';
import { cadres, reviewApprovals, type Cadre } from '../db/schema/index.ts';
import { needsTwoApprovers } from './policy.ts';

/** first: the village's first reviewers (every approver when none is marked); all: every approver. */
export type Audience = 'first' | 'all';

/**
 * The approvers who may still decide this claim in this round: never of the claim's own household,
 * never one who approved it already, and for a two-person item never the cadre who entered it (代报).
 */
export async function reviewersOf(db: Executor, loaded: LoadedClaim, round: number, audience: Audience): Promise<Cadre[]> {
  const { claim, rule, village } = loaded;
  const approvers = await db.select().from(cadres).where(and(eq(cadres.villageId, village.id), eq(cadres.canApprove, true))).orderBy(cadres.id);
  const approved = new Set((await db.select({ cadreId: reviewApprovals.cadreId }).from(reviewApprovals)
    .where(and(eq(reviewApprovals.claimId, claim.id), eq(reviewApprovals.round, round)))).map((row) => row.cadreId));
  const twoPerson = needsTwoApprovers(rule, claim.points, village);
  const eligible = approvers.filter((cadre) => cadre.householdId !== claim.householdId && !approved.has(cadre.id)
    && !(twoPerson && cadre.id === claim.enteredBy));
  const first = eligible.filter((cadre) => cadre.reviewsFirst);
  return audience === 'first' && first.length > 0 ? first : eligible;
}
