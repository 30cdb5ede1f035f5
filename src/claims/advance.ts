import { sql } from 'drizzle-orm';
import { UnrecoverableError } from 'bullmq';
import type { Context } from '../context.ts';
import type { ClaimState } from '../db/schema/index.ts';
import { queueMessages } from '../messages/outbound.ts';
import { transactionOf } from '../plans/runner.ts';
import { reviewerMessages } from '../reviews/requests.ts';
import { reviewersOf } from '../reviews/reviewers.ts';
import { currentRound, type ReviewRound } from '../reviews/rounds.ts';
import { textsOf } from '../village-texts.ts';
import { advance, countTowardCap, freeReference, loadClaim, transition, type LoadedClaim, type Step } from './claims.ts';
import { photosOfClaim } from './evidence.ts';
import { claimantMessage, tellClaimant } from './notices.ts';
import { reviewRequestText, scoreOf, validationRefusal } from './steps.ts';

/** The steps still ahead of a claim that passed validation, from the state it is in. */
function stepsToReview(loaded: LoadedClaim): Step[] {
  const scored: Step = { to: 'scored', detail: scoreOf(loaded.rule).detail };
  const ahead: Partial<Record<ClaimState, Step[]>> = {
    understood: [{ to: 'validated' }, scored, { to: 'awaiting_review' }],
    validated: [scored, { to: 'awaiting_review' }],
    scored: [{ to: 'awaiting_review' }],
  };
  return ahead[loaded.claim.state] ?? [];
}

/**
 * Validates a claim just understood: the item must still be on the list and the household within
 * its cap for the period. Returns the refusal, if any; the cap check is serialised per household and item.
 */
async function refusalOf(context: Context, { claim, rule, village }: LoadedClaim): Promise<string | undefined> {
  const texts = textsOf(village);
  if (rule.cap === null || !rule.active) return validationRefusal(texts, rule, 0);
  // Two claims of one item by one household must not both pass the cap check.
  await context.db.execute(sql`select pg_advisory_xact_lock(hashtext(${`cap:${claim.householdId}:${claim.ruleId}`}))`);
  return validationRefusal(texts, rule, await countTowardCap(context.db, claim));
}

/**
 * The automatic part of a claim, in the caller's transaction: validate, score, and request its
 * review, each step an appended event; a claim that does not stand is refused and the villager
 * told. Safe to repeat from any state.
 */
export async function advanceClaim(context: Context, claimId: number): Promise<void> {
  const tx = transactionOf(context);
  const loaded = await loadClaim(tx, claimId);
  if (!loaded) throw new UnrecoverableError(`no claim ${claimId}`);
  const refusal = loaded.claim.state === 'understood' ? await refusalOf(context, loaded) : undefined;
  if (refusal) {
    await transition(tx, claimId, 'understood', 'invalid', { actor: 'system', reason: refusal });
    return tellClaimant(context, loaded, 'invalid', refusal);
  }
  if (loaded.claim.state === 'invalid') return tellClaimant(context, loaded, 'invalid', loaded.claim.reason ?? '');
  const steps = stepsToReview(loaded);
  if (steps.length > 0) {
    const moved = await advance(tx, claimId, loaded.claim.state, steps, {
      actor: 'system', set: { points: scoreOf(loaded.rule).points, reference: freeReference(loaded.village.id) },
    });
    if (!moved) return; // another run got there first
    loaded.claim = moved;
    return requestReview(context, loaded, { round: 0, since: new Date() });
  }
  const review = await currentRound(tx, claimId);
  if (loaded.claim.state === 'awaiting_review' && review) await requestReview(context, loaded, review);
}

/**
 * Asks the village's first reviewers (after an objection: every approver) outside the household,
 * and in the first round tells the villager the claim's reference; in the caller's transaction.
 * Reminders come from the village's periodic review follow-up. Safe to repeat (dedupe keys).
 */
export async function requestReview(context: Context, loaded: LoadedClaim, review: ReviewRound): Promise<void> {
  const { claim, rule } = loaded;
  const reviewers = await reviewersOf(context.db, loaded, review.round, review.round === 0 ? 'first' : 'all');
  if (reviewers.length === 0) context.log.warn({ claimId: claim.id }, 'no cadre may review this claim');
  const ack = review.round === 0 ? claimantMessage(context, loaded, 'ack', textsOf(loaded.village).claimReceived(rule.name, claim.points!, claim.reference!),
    { item: rule.name, points: String(claim.points), reference: String(claim.reference) }) : undefined;
  // A photo sent with the claim, or on its own just before it (WeChat), is evidence too: the cadre gets its link.
  const [photo] = loaded.photos ?? await photosOfClaim(context.db, claim);
  const text = reviewRequestText(loaded, review, photo);
  await queueMessages(context, [...(ack ? [ack] : []), ...reviewerMessages(context, loaded, reviewers, 'review', review.round, text)]);
}
