import { loadClaim } from '../src/claims/claims.ts';
import type { Context } from '../src/context.ts';
import { writeToReviewers } from '../src/reviews/requests.ts';
import { reviewersOf } from '../src/reviews/reviewers.ts';
import type { Verdict } from '../src/reviews/review.ts';
import { currentRound } from '../src/reviews/rounds.ts';
import { templates } from '../src/templates.ts';
import { tellClaimant } from './claim-notices.ts';
import { afterApproval } from './publicity.ts';
import type { PipelineStage } from './stage.ts';

/** What follows a decision: publicity or posting, asking a second approver, or telling the villager. Safe to repeat. */
export async function followUp(context: Context, claimId: number, verdict: Verdict) {
  if (verdict === 'approved') return afterApproval(context, claimId);
  const loaded = (await loadClaim(context.db, claimId))!;
  if (verdict === 'first_approval') {
    const { claim, rule, household, village } = loaded;
    const round = (await currentRound(context.db, claimId))!.round;
    const text = templates.review.secondApprover(village.name, claim.reference!, household.code, household.head, rule.name, claim.points!);
    return writeToReviewers(context, loaded, await reviewersOf(context.db, loaded, round, 'all'), 'second', round, text);
  }
  await tellClaimant(context, loaded, 'rejected', templates.rejected(loaded.rule.name, loaded.claim.reason ?? templates.noReason));
}

/** A decision made outside a message (in the console): its follow-up, as a message's decision gets it inline. */
export const reviewDecided: PipelineStage<'review-decided'> = (context, { claimId, verdict }) => followUp(context, claimId, verdict);
