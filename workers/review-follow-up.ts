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

/** remind (催审): the first reviewers who have not decided; escalate: every approver who may decide it. */
async function followUp(context: Context, claimId: number, round: number, topic: 'remind' | 'escalate') {
  const loaded = await stillWaiting(context, claimId, round);
  if (!loaded) return;
  const { claim, rule, household, village } = loaded;
  const delays = reviewDelays(village);
  const [text, hours, audience] = topic === 'remind'
    ? [templates.review.reminder, delays.remindAfterHours, 'first' as const]
    : [templates.review.escalated, delays.escalateAfterHours, 'all' as const];
  const reviewers = await reviewersOf(context.db, loaded, round, audience);
  await writeToReviewers(context, loaded, reviewers, topic, round, text(village.name, claim.reference!, household.code, household.head, rule.name, claim.points!, hours));
}

export const reviewRemind: PipelineStage<'review-remind'> = (context, { claimId, round }) => followUp(context, claimId, round, 'remind');

export const reviewEscalate: PipelineStage<'review-escalate'> = (context, { claimId, round }) => followUp(context, claimId, round, 'escalate');
