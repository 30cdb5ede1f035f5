import { eq, and } from 'drizzle-orm';
import { transition } from '../claims/claims.ts';
import type { Transaction } from '../db/database.ts';
import { claims, reviewApprovals, rules, villages, type Cadre } from '../db/schema/index.ts';
import { needsTwoApprovers } from './policy.ts';
import { currentRound } from './rounds.ts';

/** approved: decided; first_approval: recorded, a second approver is needed; the rest change nothing. */
export type ApprovalOutcome = 'approved' | 'first_approval' | 'already_approved' | 'entered_by_you' | 'not_waiting';

export interface Via {
  channel: string;
  messageId: number;
}

/**
 * A cadre's approval of a claim awaiting review. A two-person item (两人审核) takes two different
 * approvers, neither the cadre who entered it (代报); the first approval is an appended event and a
 * vote, unique per claim, cadre and round. The claim's row is locked, so two approvals at once are counted in turn.
 */
export async function approve(tx: Transaction, claimId: number, cadre: Cadre, via: Via): Promise<ApprovalOutcome> {
  const [locked] = await tx.select({ id: claims.id }).from(claims).where(and(eq(claims.id, claimId), eq(claims.state, 'awaiting_review'))).for('update');
  if (!locked) return 'not_waiting';
  const [row] = await tx.select({ claim: claims, rule: rules, village: villages }).from(claims)
    .innerJoin(rules, eq(rules.id, claims.ruleId)).innerJoin(villages, eq(villages.id, claims.villageId)).where(eq(claims.id, claimId));
  if (!row) return 'not_waiting';
  const how = { actor: `cadre:${cadre.id}`, channel: via.channel, messageId: via.messageId };
  if (!needsTwoApprovers(row.rule, row.claim.points, row.village)) {
    await transition(tx, claimId, 'awaiting_review', 'approved', { ...how, set: { reviewedBy: cadre.id } });
    return 'approved';
  }
  if (row.claim.enteredBy === cadre.id) return 'entered_by_you';
  const round = (await currentRound(tx, claimId))!.round;
  const vote = await tx.insert(reviewApprovals).values({ claimId, cadreId: cadre.id, round, ...via }).onConflictDoNothing().returning();
  if (vote.length === 0) return 'already_approved';
  const approvers = (await tx.select({ cadreId: reviewApprovals.cadreId }).from(reviewApprovals)
    .where(and(eq(reviewApprovals.claimId, claimId), eq(reviewApprovals.round, round)))).map((a) => a.cadreId);
  if (approvers.length < 2) {
    await transition(tx, claimId, 'awaiting_review', 'awaiting_review', { ...how, detail: { approval: 1, needed: 2, round } });
    return 'first_approval';
  }
  await transition(tx, claimId, 'awaiting_review', 'approved', { ...how, set: { reviewedBy: cadre.id }, detail: { approvers, round } });
  return 'approved';
}
