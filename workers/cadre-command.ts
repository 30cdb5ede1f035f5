import { UnrecoverableError } from 'bullmq';
import { loadClaim, transition } from '../src/claims/claims.ts';
import type { Context } from '../src/context.ts';
import type { InboundMessage } from '../src/db/schema/index.ts';
import { findCadre, type KnownCadre } from '../src/directory.ts';
import { loadInbound, markProcessed } from '../src/messages/inbound.ts';
import { replyTo } from '../src/messages/reply.ts';
import { decisionsMadeBy, findTarget, waitingFor, type Decision } from '../src/reviews/review.ts';
import { itemName, templates } from '../src/templates.ts';
import { understandCadre } from '../src/understanding/cadre.ts';
import { knownVillage } from '../src/understanding/village-models.ts';
import { declare, recordDeduction, recordRedemption } from './cadre-records.ts';
import { tellClaimant } from './claim-notices.ts';
import { decideAppeal } from './deduction-appeals.ts';
import { reverseRedemptionByMessage } from './redemption-reversals.ts';
import type { PipelineStage } from './stage.ts';

/** The most a cadre can approve with one 全部同意, and list with one 待审. */
const BATCH_LIMIT = 50;
const LIST_LIMIT = 8;

/** Answers a cadre and closes the message. */
export async function answer(context: Context, message: InboundMessage, cadre: KnownCadre, text: string, outcome: string) {
  await replyTo(context, message, text, { village: cadre.village, fallbackPhone: cadre.phone });
  await markProcessed(context.db, message.id, outcome);
}

/** What follows a decision: posting or telling the villager. Safe to repeat. */
async function followUp(context: Context, claimId: number, verdict: string) {
  if (verdict === 'approved') return context.jobs.enqueue({ name: 'post', data: { claimId } });
  const loaded = (await loadClaim(context.db, claimId))!;
  await tellClaimant(context, loaded, 'rejected', templates.rejected(loaded.rule.name, loaded.claim.reason ?? templates.noReason));
}

/** Moves one claim awaiting review to the cadre's verdict; false when it was no longer waiting. */
async function decideClaim(context: Context, message: InboundMessage, cadre: KnownCadre, claimId: number, verdict: 'approved' | 'rejected', reason?: string) {
  const moved = await context.db.transaction((tx) => transition(tx, claimId, 'awaiting_review', verdict, {
    actor: `cadre:${cadre.id}`, channel: message.channel, messageId: message.id, reason, set: { reviewedBy: cadre.id },
  }));
  return !!moved;
}

async function decide(context: Context, message: InboundMessage, cadre: KnownCadre, decision: Decision) {
  const earlier = (await decisionsMadeBy(context.db, message.id))[0];
  if (earlier) {
    await followUp(context, earlier.claimId, earlier.toState);
    const { claim } = (await loadClaim(context.db, earlier.claimId))!;
    const text = earlier.toState === 'approved' ? templates.decision.approved(claim.reference!) : templates.decision.rejected(claim.reference!);
    return answer(context, message, cadre, text, earlier.toState);
  }
  const target = await findTarget(context.db, cadre, decision);
  if (target.kind === 'unknown-reference') return answer(context, message, cadre, templates.decision.unknownReference(target.reference), 'unknown_reference');
  if (target.kind === 'nothing-waiting') return answer(context, message, cadre, templates.decision.nothingWaiting(), 'nothing_waiting');
  if (target.kind === 'which-one') return answer(context, message, cadre, templates.decision.whichOne(target.count), 'ambiguous');
  const { claim } = target;
  if (claim.householdId === cadre.householdId) {
    return answer(context, message, cadre, templates.decision.ownHousehold(claim.reference!), 'own_household');
  }
  const verdict = decision.intent === 'approve' ? 'approved' : 'rejected';
  const reason = decision.intent === 'reject' ? decision.reason ?? templates.noReason : undefined;
  if (!(await decideClaim(context, message, cadre, claim.id, verdict, reason))) {
    return answer(context, message, cadre, templates.decision.alreadyDecided(claim.reference!), 'already_decided');
  }
  return decide(context, message, cadre, decision);
}

/** 全部同意: approves every claim waiting for this cadre (never their own household's). */
async function approveAll(context: Context, message: InboundMessage, cadre: KnownCadre) {
  for (const claim of await waitingFor(context.db, cadre, BATCH_LIMIT)) await decideClaim(context, message, cadre, claim.id, 'approved');
  const approved = await decisionsMadeBy(context.db, message.id);
  for (const { claimId } of approved) await followUp(context, claimId, 'approved');
  if (approved.length === 0) return answer(context, message, cadre, templates.decision.nothingWaiting(), 'nothing_waiting');
  const own = cadre.householdId === null ? [] : (await waitingFor(context.db, { ...cadre, householdId: null }, BATCH_LIMIT))
    .filter((claim) => claim.householdId === cadre.householdId);
  await answer(context, message, cadre, templates.decision.approvedAll(approved.length, own.length), 'approved_all');
}

/** 待审: the claims waiting for this cadre, oldest first. */
async function listWaiting(context: Context, message: InboundMessage, cadre: KnownCadre) {
  const waiting = await waitingFor(context.db, cadre, LIST_LIMIT);
  if (waiting.length === 0) return answer(context, message, cadre, templates.decision.nothingWaiting(), 'nothing_waiting');
  const lines = [];
  for (const claim of waiting) {
    const { household, rule } = (await loadClaim(context.db, claim.id))!;
    lines.push(`${claim.reference} ${household.head}家 ${itemName(rule.name)}+${claim.points}`);
  }
  await answer(context, message, cadre, templates.decision.waiting(lines), 'listed');
}

/** A cadre's message: a review decision, 全部同意, 待审, a declaration for a villager, a deduction or a redemption. */
export const cadreCommand: PipelineStage<'cadre-command'> = async (context, { messageId }) => {
  const message = await loadInbound(context.db, messageId);
  if (!message) throw new UnrecoverableError(`no inbound message ${messageId}`);
  if (message.processedAt) return;
  const cadre = await findCadre(context.db, message.channel, message.sender);
  if (!cadre) throw new UnrecoverableError(`sender of message ${messageId} is not a cadre`);
  const known = await knownVillage(context.db, cadre.village);
  const command = understandCadre(known.model, message.text);

  switch (command.intent) {
    case 'approve': case 'reject': case 'approve_all': case 'list':
      if (!cadre.canApprove) return answer(context, message, cadre, templates.decision.notApprover(), 'not_approver');
      if (command.intent === 'approve_all') return approveAll(context, message, cadre);
      if (command.intent === 'list') return listWaiting(context, message, cadre);
      return decide(context, message, cadre, command);
    case 'declare':
      return declare(context, known, message, cadre, command);
    case 'deduct':
      return recordDeduction(context, known, message, cadre, command);
    case 'redeem':
      return recordRedemption(context, message, cadre, command);
    case 'decide_deduction':
      return decideAppeal(context, known, message, cadre, command);
    case 'reverse_redemption':
      return reverseRedemptionByMessage(context, message, cadre, command.redemption);
    case 'other':
      return answer(context, message, cadre, templates.decision.help(), 'cadre_help');
  }
};
