import { and, eq, sql } from 'drizzle-orm';
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
  const rows = await db.select({
    cadre: cadres,
    approved: sql<boolean>`exists (select 1 from ${reviewApprovals} where ${reviewApprovals.claimId} = ${claim.id}
      and ${reviewApprovals.round} = ${round} and ${reviewApprovals.cadreId} = ${cadres}.id)`, // qualified: inside, a bare id is the vote's
  }).from(cadres).where(and(eq(cadres.villageId, village.id), eq(cadres.canApprove, true))).orderBy(cadres.id);
  const approvers = rows.map((row) => row.cadre);
  const approved = new Set(rows.filter((row) => row.approved).map((row) => row.cadre.id));
  const twoPerson = needsTwoApprovers(rule, claim.points, village);
  const eligible = approvers.filter((cadre) => cadre.householdId !== claim.householdId && !approved.has(cadre.id)
    && !(twoPerson && cadre.id === claim.enteredBy));
  const first = eligible.filter((cadre) => cadre.reviewsFirst);
  return audience === 'first' && first.length > 0 ? first : eligible;
}
