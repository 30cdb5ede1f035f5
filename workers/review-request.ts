import { and, eq } from 'drizzle-orm';
import { UnrecoverableError } from 'bullmq';
import { loadClaim, moveToReviewWithReference } from '../src/claims/claims.ts';
import { photosOfClaim } from '../src/claims/evidence.ts';
import { cadres } from '../src/db/schema/index.ts';
import { routeTo } from '../src/messages/addressing.ts';
import { queueMessages } from '../src/messages/outbound.ts';
import { templates } from '../src/templates.ts';
import { claimantMessage } from './claim-notices.ts';
import type { PipelineStage } from './stage.ts';

/** Enough of the villager's words for the cadre to check the evidence on a phone screen. */
const EVIDENCE_QUOTE_LENGTH = 60;

/** Gives the claim its short reference, tells the villager, and asks every approver outside the household to review. */
export const reviewRequest: PipelineStage<'review-request'> = async (context, { claimId }) => {
  const loaded = await loadClaim(context.db, claimId);
  if (!loaded) throw new UnrecoverableError(`no claim ${claimId}`);
  if (loaded.claim.state === 'scored') {
    const moved = await moveToReviewWithReference(context.db, claimId, { actor: 'system' });
    loaded.claim = moved ?? (await loadClaim(context.db, claimId))!.claim;
  }
  const { claim, rule, household, village } = loaded;
  if (claim.reference === null || claim.state !== 'awaiting_review') return;

  const approvers = await context.db.select().from(cadres).where(and(eq(cadres.villageId, village.id), eq(cadres.canApprove, true)));
  const reviewers = approvers.filter((cadre) => cadre.householdId !== household.id);
  if (reviewers.length === 0) context.log.warn({ claimId }, 'no cadre may review this claim');
  // For an item whose evidence matters (写明帮助了谁, 需村委核实) the cadre reads what the villager wrote.
  const said = rule.evidence ? claim.text.slice(0, EVIDENCE_QUOTE_LENGTH) : undefined;
  // A photo sent with the claim, or on its own just before it (WeChat), is evidence too: the cadre gets its link.
  const [photo] = await photosOfClaim(context.db, claim);
  const text = templates.reviewRequest(village.name, claim.reference, household.code, household.head, rule.name, claim.points!, said, photo);
  const ack = claimantMessage(context, loaded, 'ack', templates.claimReceived(rule.name, claim.points!, claim.reference),
    { item: rule.name, points: String(claim.points), reference: String(claim.reference) });
  const params = { village: village.name, reference: String(claim.reference), household: household.code, head: household.head, item: rule.name, points: String(claim.points) };
  await queueMessages(context, [
    ...(ack ? [ack] : []),
    ...reviewers.map((cadre) => ({
      dedupeKey: `claim-${claimId}-review-${cadre.id}`, ...routeTo(context, cadre)!, text, sender: village.settings.smsSenderNumber,
      kind: 'review_request', params,
    })),
  ]);
};
