import { announcementCommand } from '../announcements/messages.ts';
import { checkinCommand } from '../checkin/messages.ts';
import { loadClaim } from '../claims/claims.ts';
import type { Context } from '../context.ts';
import type { InboundMessage } from '../db/schema/index.ts';
import type { KnownCadre } from '../directory.ts';
import { markProcessed } from '../messages/inbound.ts';
import { replyChannel, replyTo } from '../messages/reply.ts';
import { ONE_SEGMENT, pagesWithin } from '../messages/pages.ts';
import { approveAllWaiting } from '../reviews/approve-all.ts';
import { correctClaimByMessage } from '../reviews/correct.ts';
import { decideClaim, followUp } from '../reviews/decide.ts';
import { decisionsMadeBy, findTarget, waitingFor, type Decision, type Verdict } from '../reviews/review.ts';
import { itemName } from '../templates.ts';
import { textsOf, type Texts } from '../village-texts.ts';
import { understandCadre } from '../understanding/cadre.ts';
import type { KnownVillage } from '../understanding/village-models.ts';
import { declare, recordDeduction, recordRedemption } from './records.ts';
import { object } from '../reviews/objection.ts';
import { decideAppeal } from '../deductions/appeal-messages.ts';
import { reverseRedemptionByMessage } from '../supermarket/reverse-by-message.ts';
import { answer } from './answer.ts';
import { transactionOf } from '../plans/runner.ts';

/** The most a cadre can approve with one 全部同意, and list with one 待审. */
const BATCH_LIMIT = 50;
const LIST_LIMIT = 30;

const viaMessage = (message: InboundMessage) => ({ channel: message.channel, messageId: message.id });

const VERDICT_ANSWERS: Record<Verdict, (texts: Texts) => (reference: number) => string> = {
  approved: (texts) => texts.decision.approved, rejected: (texts) => texts.decision.rejected, first_approval: (texts) => texts.review.firstApproval,
};
const REFUSALS = {
  not_waiting: [(texts: Texts) => texts.decision.alreadyDecided, 'already_decided'],
  already_approved: [(texts: Texts) => texts.review.alreadyApproved, 'already_approved'],
  entered_by_you: [(texts: Texts) => texts.review.enteredByYou, 'entered_by_you'],
} as const;

/** What follows the cadre's verdict, and their answer. */
async function concluded(context: Context, message: InboundMessage, cadre: KnownCadre, claim: { id: number; reference: number }, verdict: Verdict) {
  await followUp(context, claim.id, verdict);
  const texts = textsOf(cadre.village);
  const publicityDays = cadre.village.settings.publicityDays ?? 0;
  const text = verdict === 'approved' && publicityDays > 0
    ? texts.publicity.approved(claim.reference, publicityDays) : VERDICT_ANSWERS[verdict](texts)(claim.reference);
  return answer(context, message, cadre, text, verdict);
}

/** 同意 1234 / 驳回 1234 原因: decides the claim and, approved, posts it, all in the message's one transaction. */
async function decide(context: Context, message: InboundMessage, cadre: KnownCadre, decision: Decision) {
  const texts = textsOf(cadre.village);
  const target = await findTarget(context.db, cadre, decision);
  if (target.kind === 'unknown-reference') return answer(context, message, cadre, texts.decision.unknownReference(target.reference), 'unknown_reference');
  if (target.kind === 'nothing-waiting') return answer(context, message, cadre, texts.decision.nothingWaiting(), 'nothing_waiting');
  if (target.kind === 'which-one') return answer(context, message, cadre, texts.decision.whichOne(target.count), 'ambiguous');
  const { claim } = target;
  if (claim.householdId === cadre.householdId) {
    return answer(context, message, cadre, texts.decision.ownHousehold(claim.reference!), 'own_household');
  }
  const verdict = decision.intent === 'approve' ? 'approved' : 'rejected';
  const reason = decision.intent === 'reject' ? decision.reason ?? texts.noReason : undefined;
  const outcome = await decideClaim(context, cadre, claim.id, verdict, viaMessage(message), reason);
  if (outcome in REFUSALS) {
    const [text, status] = REFUSALS[outcome as keyof typeof REFUSALS];
    return answer(context, message, cadre, text(texts)(claim.reference!), status);
  }
  return concluded(context, message, cadre, { id: claim.id, reference: claim.reference! }, outcome as Verdict);
}

/** 全部同意: this cadre's approval of every claim waiting for them (never their own household's); a two-person item gets their vote. */
async function approveAll(context: Context, message: InboundMessage, cadre: KnownCadre) {
  const texts = textsOf(cadre.village);
  const { more } = await approveAllWaiting(transactionOf(context), cadre, viaMessage(message), BATCH_LIMIT);
  const decided = await decisionsMadeBy(context.db, message.id);
  for (const { claimId, verdict } of decided) await followUp(context, claimId, verdict);
  if (decided.length === 0) return answer(context, message, cadre, texts.decision.nothingWaiting(), 'nothing_waiting');
  const own = cadre.householdId === null ? [] : (await waitingFor(context.db, { ...cadre, householdId: null }, BATCH_LIMIT))
    .filter((claim) => claim.householdId === cadre.householdId);
  const waitingSecond = decided.filter(({ verdict }) => verdict === 'first_approval').length;
  await answer(context, message, cadre, texts.review.approvedAll(decided.length, waitingSecond, own.length, more), 'approved_all');
}

/** 待审: the claims waiting for this cadre, oldest first, numbered; on SMS in pages of one segment each. */
async function listWaiting(context: Context, message: InboundMessage, cadre: KnownCadre) {
  const texts = textsOf(cadre.village);
  const waiting = await waitingFor(context.db, cadre, LIST_LIMIT);
  if (waiting.length === 0) return answer(context, message, cadre, texts.decision.nothingWaiting(), 'nothing_waiting');
  const lines = [];
  for (const [index, claim] of waiting.entries()) {
    const { household, rule } = (await loadClaim(context.db, claim.id))!;
    lines.push(texts.review.listLine(index + 1, claim.reference!, household.head, itemName(rule.name), claim.points!));
  }
  const pages = replyChannel(message) === 'sms' ? pagesWithin(lines, ONE_SEGMENT, (page, count, part) => texts.review.listPage(waiting.length, page, count, part))
    : [texts.review.listPage(waiting.length, 1, 1, lines)];
  for (const [index, text] of pages.entries()) {
    await replyTo(context, message, text, { village: cadre.village, fallbackPhone: cadre.phone, dedupeKey: `message-${message.id}-reply-${index + 1}` });
  }
  await markProcessed(context, message.id, 'listed');
}

/** A cadre's message: a review decision, 全部同意, 待审, a declaration for a villager, a deduction or a redemption. */
export async function cadreCommand(context: Context, message: InboundMessage, cadre: KnownCadre, known: KnownVillage) {
  const texts = textsOf(cadre.village);
  const command = understandCadre(known.model, message.text);

  switch (command.intent) {
    case 'object':
      return answer(context, message, cadre, await object(context, { actor: `cadre:${cadre.id}`, village: cadre.village }, message, command), 'objection');
    case 'approve': case 'reject': case 'approve_all': case 'list':
      if (!cadre.canApprove) return answer(context, message, cadre, texts.decision.notApprover(), 'not_approver');
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
    case 'correct_claim': return correctClaimByMessage(context, message, cadre, command);
    case 'reverse_redemption':
      return reverseRedemptionByMessage(context, message, cadre, command.redemption);
    case 'open_checkin': case 'close_checkin':
      return checkinCommand(context, known, message, cadre, command);
    case 'announce': case 'confirm_announcement':
      return announcementCommand(context, message, cadre, command);
    case 'other':
      return answer(context, message, cadre, texts.decision.help(), 'cadre_help');
  }
}
