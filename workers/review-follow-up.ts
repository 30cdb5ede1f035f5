import { loadClaim } from '../src/claims/claims.ts';
import type { Context } from '../src/context.ts';
import { reviewDelays } from '../src/reviews/policy.ts';
import { writeToReviewers } from '../src/reviews/requests.ts';
import { reviewersOf } from '../src/reviews/reviewers.ts';
import { currentRound } from '../src/reviews/rounds.ts';
import { templates } from '../src/templates.ts';
import type { PipelineStage } from './stage.ts';

/** The claim if it still waits for review in this round; a decided claim gets no reminder. */
async function stillWaiting(context: Context, claimId: number, round: number) {
  const loaded = await loadClaim(context.db, claimId);
  if (!loaded || loaded.claim.state !== 'awaiting_review') return undefined;
  return (await currentRound(context.db, claimId))?.round === round ? loaded : undefined;
}

/** 催审: the first reviewers who have not decided are reminded. */
export const reviewRemind: PipelineStage<'review-remind'> = async (context, { claimId, round }) => {
  const loaded = await stillWaiting(context, claimId, round);
  if (!loaded) return;
  const { claim, rule, household, village } = loaded;
  const text = templates.review.reminder(village.name, claim.reference!, household.code, household.head, rule.name, claim.points!, reviewDelays(village).remindAfterHours);
  await writeToReviewers(context, loaded, await reviewersOf(context.db, loaded, round, 'first'), 'remind', round, text);
};

/** After the longer wait every approver who may decide it is asked. */
export const reviewEscalate: PipelineStage<'review-escalate'> = async (context, { claimId, round }) => {
  const loaded = await stillWaiting(context, claimId, round);
  if (!loaded) return;
  const { claim, rule, household, village } = loaded;
  const text = templates.review.escalated(village.name, claim.reference!, household.code, household.head, rule.name, claim.points!, reviewDelays(village).escalateAfterHours);
  await writeToReviewers(context, loaded, await reviewersOf(context.db, loaded, round, 'all'), 'escalate', round, text);
};
