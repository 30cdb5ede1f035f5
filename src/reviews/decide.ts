import { loadClaim, transition } from '../claims/claims.ts';
import { tellClaimant } from '../claims/notices.ts';
import type { Context } from '../context.ts';
import type { Cadre } from '../db/schema/index.ts';
import { transactionOf } from '../plans/runner.ts';
import { shortItemName } from '../templates.ts';
import { textsOf } from '../village-texts.ts';
import { approve, type ApprovalOutcome, type Via } from './approval.ts';
import { afterApproval } from './publicity.ts';
import { writeToReviewers } from './requests.ts';
import { reviewersOf } from './reviewers.ts';
import type { Verdict } from './review.ts';
import { currentRound } from './rounds.ts';

export type DecisionOutcome = ApprovalOutcome | 'rejected';

/**
 * A cadre's verdict on one claim awaiting review, by SMS, WeChat or the console, inside
 * runInTransaction; the outcome says what changed (see approve).
 */
export async function decideClaim(context: Context, cadre: Cadre, claimId: number, verdict: 'approved' | 'rejected', via: Via, reason?: string): Promise<DecisionOutcome> {
  if (verdict === 'approved') return approve(transactionOf(context), claimId, cadre, via);
  // A rejection by any approver rejects, whatever the item.
  const moved = await transition(transactionOf(context), claimId, 'awaiting_review', 'rejected', {
    actor: `cadre:${cadre.id}`, ...via, reason, set: { reviewedBy: cadre.id },
  });
  return moved ? 'rejected' : 'not_waiting';
}

/** What follows a decision, in the same transaction: publicity or posting, asking a second approver, or telling the villager. Safe to repeat. */
export async function followUp(context: Context, claimId: number, verdict: Verdict) {
  if (verdict === 'approved') return afterApproval(context, claimId);
  const loaded = (await loadClaim(context.db, claimId))!;
  const texts = textsOf(loaded.village);
  if (verdict === 'first_approval') {
    const { claim, rule, household, village } = loaded;
    const round = (await currentRound(context.db, claimId))!.round;
    const text = texts.review.secondApprover(village.name, claim.reference!, household.code, household.head, shortItemName(rule), claim.points!);
    return writeToReviewers(context, loaded, await reviewersOf(context.db, loaded, round, 'all'), 'second', round, text);
  }
  await tellClaimant(context, loaded, 'rejected', texts.rejected(loaded.rule.name, loaded.claim.reason ?? texts.noReason));
}
