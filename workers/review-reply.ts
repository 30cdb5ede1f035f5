import { UnrecoverableError } from 'bullmq';
import { loadClaim, transition } from '../src/claims/claims.ts';
import type { Context } from '../src/context.ts';
import type { InboundMessage } from '../src/db/schema/index.ts';
import { findCadre, type KnownCadre } from '../src/directory.ts';
import { loadInbound, markProcessed } from '../src/messages/inbound.ts';
import { replyTo } from '../src/messages/reply.ts';
import { parseDecision, type Decision } from '../src/reviews/decision.ts';
import { decisionMadeBy, findTarget } from '../src/reviews/review.ts';
import { templates } from '../src/templates.ts';
import { tellClaimant } from './claim-notices.ts';
import type { PipelineStage } from './stage.ts';

/** What follows a decision: posting or telling the villager, and confirming to the cadre. Safe to repeat. */
async function followUp(context: Context, message: InboundMessage, cadre: KnownCadre, claimId: number, verdict: 'approved' | 'rejected') {
  const loaded = (await loadClaim(context.db, claimId))!;
  const reference = loaded.claim.reference!;
  if (verdict === 'approved') {
    await context.jobs.enqueue({ name: 'post', data: { claimId } });
    await replyTo(context, message, templates.decision.approved(reference), cadre.village);
  } else {
    await tellClaimant(context, loaded, 'rejected', templates.rejected(loaded.rule.name, loaded.claim.reason ?? templates.noReason));
    await replyTo(context, message, templates.decision.rejected(reference), cadre.village);
  }
  await markProcessed(context.db, message.id, verdict);
}

/** Answers a cadre whose reply decides nothing, and closes the message. */
async function answer(context: Context, message: InboundMessage, cadre: KnownCadre, text: string, outcome: string) {
  await replyTo(context, message, text, cadre.village);
  await markProcessed(context.db, message.id, outcome);
}

async function decide(context: Context, message: InboundMessage, cadre: KnownCadre, decision: Decision) {
  if (!cadre.canApprove) return answer(context, message, cadre, templates.decision.notApprover(), 'not_approver');
  const target = await findTarget(context.db, cadre, decision);
  if (target.kind === 'unknown-reference') return answer(context, message, cadre, templates.decision.unknownReference(target.reference), 'unknown_reference');
  if (target.kind === 'nothing-waiting') return answer(context, message, cadre, templates.decision.nothingWaiting(), 'nothing_waiting');
  if (target.kind === 'which-one') return answer(context, message, cadre, templates.decision.whichOne(target.count), 'ambiguous');
  const { claim } = target;
  if (claim.householdId === cadre.householdId) {
    return answer(context, message, cadre, templates.decision.ownHousehold(claim.reference!), 'own_household');
  }
  const verdict = decision.verdict === 'approve' ? 'approved' : 'rejected';
  const reason = verdict === 'rejected' ? decision.reason ?? templates.noReason : undefined;
  const moved = await context.db.transaction((tx) => transition(tx, claim.id, 'awaiting_review', verdict, {
    actor: `cadre:${cadre.id}`, channel: message.channel, messageId: message.id, reason,
    set: { reviewedBy: cadre.id },
  }));
  if (!moved) return answer(context, message, cadre, templates.decision.alreadyDecided(claim.reference!), 'already_decided');
  await followUp(context, message, cadre, claim.id, verdict);
}

/** A cadre's reply: approve or reject a claim ("同意 1234", "驳回 1234 原因", "1"/"2"). */
export const reviewReply: PipelineStage<'review-reply'> = async (context, { messageId }) => {
  const message = await loadInbound(context.db, messageId);
  if (!message) throw new UnrecoverableError(`no inbound message ${messageId}`);
  if (message.processedAt) return;
  const cadre = await findCadre(context.db, message.channel, message.sender);
  if (!cadre) throw new UnrecoverableError(`sender of message ${messageId} is not a cadre`);

  const earlier = await decisionMadeBy(context.db, messageId);
  if (earlier) return followUp(context, message, cadre, earlier.claimId, earlier.toState as 'approved' | 'rejected');
  const decision = parseDecision(message.text);
  if (!decision) return answer(context, message, cadre, templates.decision.help(), 'cadre_help');
  await decide(context, message, cadre, decision);
};
