import { UnrecoverableError } from 'bullmq';
import { loadClaim, moveToReviewWithReference, type LoadedClaim } from '../src/claims/claims.ts';
import { photosOfClaim } from '../src/claims/evidence.ts';
import type { Context } from '../src/context.ts';
import { queueMessages } from '../src/messages/outbound.ts';
import { reviewDelays } from '../src/reviews/policy.ts';
import { writeToReviewers } from '../src/reviews/requests.ts';
import { reviewersOf } from '../src/reviews/reviewers.ts';
import { currentRound, type ReviewRound } from '../src/reviews/rounds.ts';
import { shortItemName, templates } from '../src/templates.ts';
import { claimantMessage } from './claim-notices.ts';
import type { PipelineStage } from './stage.ts';

/** Enough of the villager's words for the cadre to check the evidence on a phone screen. */
const EVIDENCE_QUOTE_LENGTH = 60;

async function requestText(context: Context, { claim, rule, household, village }: LoadedClaim, review: ReviewRound) {
  if (review.round > 0) {
    return templates.review.objected(village.name, claim.reference!, household.code, household.head, shortItemName(rule), claim.points!, review.objection ?? templates.noReason);
  }
  // For an item whose evidence matters (写明帮助了谁, 需村委核实) the cadre reads what the villager wrote.
  const said = rule.evidence ? claim.text.slice(0, EVIDENCE_QUOTE_LENGTH) : undefined;
  // A photo sent with the claim, or on its own just before it (WeChat), is evidence too: the cadre gets its link.
  const [photo] = await photosOfClaim(context.db, claim);
  return templates.reviewRequest(village.name, claim.reference!, household.code, household.head, shortItemName(rule), claim.points!, said, photo);
}

/** The reminder and the escalation, due counted from when the claim entered this round of review. */
async function scheduleFollowUps(context: Context, loaded: LoadedClaim, review: ReviewRound) {
  const { remindMs, escalateMs } = reviewDelays(loaded.village);
  const waited = Date.now() - review.since.getTime();
  const data = { claimId: loaded.claim.id, round: review.round };
  await context.jobs.enqueue({ name: 'review-remind', data }, { delayMs: remindMs - waited });
  await context.jobs.enqueue({ name: 'review-escalate', data }, { delayMs: escalateMs - waited });
}

/**
 * Gives the claim its short reference, tells the villager, and asks the village's first reviewers
 * (after an objection: every approver) outside the household; a reminder and an escalation follow.
 */
export const reviewRequest: PipelineStage<'review-request'> = async (context, { claimId, round = 0 }) => {
  const loaded = await loadClaim(context.db, claimId);
  if (!loaded) throw new UnrecoverableError(`no claim ${claimId}`);
  if (loaded.claim.state === 'scored') {
    const moved = await moveToReviewWithReference(context.db, claimId, { actor: 'system' });
    loaded.claim = moved ?? (await loadClaim(context.db, claimId))!.claim;
  }
  const { claim, rule } = loaded;
  const review = await currentRound(context.db, claimId);
  if (claim.reference === null || claim.state !== 'awaiting_review' || review?.round !== round) return;

  const reviewers = await reviewersOf(context.db, loaded, round, round === 0 ? 'first' : 'all');
  if (reviewers.length === 0) context.log.warn({ claimId }, 'no cadre may review this claim');
  if (round === 0) {
    const ack = claimantMessage(context, loaded, 'ack', templates.claimReceived(rule.name, claim.points!, claim.reference),
      { item: rule.name, points: String(claim.points), reference: String(claim.reference) });
    if (ack) await queueMessages(context, [ack]);
  }
  await writeToReviewers(context, loaded, reviewers, 'review', round, await requestText(context, loaded, review));
  await scheduleFollowUps(context, loaded, review);
};
