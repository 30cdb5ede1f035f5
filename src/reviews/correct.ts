import { and, eq, inArray } from 'drizzle-orm';
import { loadClaim, transition } from '../claims/claims.ts';
import { claimantMessage } from '../claims/notices.ts';
import type { Context } from '../context.ts';
import type { Db } from '../db/database.ts';
import { claims, OPEN_CLAIM_STATES, reviewApprovals, rules, type Cadre, type InboundMessage } from '../db/schema/index.ts';
import { answer } from '../commands/answer.ts';
import type { KnownCadre } from '../directory.ts';
import { queueMessages } from '../messages/outbound.ts';
import { itemName } from '../templates.ts';
import { textsOf, type Texts } from '../village-texts.ts';
import type { CadreCommand } from '../understanding/cadre.ts';
import type { Via } from './approval.ts';

export interface ItemPoints {
  code: string;
  name: string;
  points: number;
}

/** The claim event's detail for a correction: what the claim was for, and what it is for now. */
export type CorrectionDetail = {
  correction: { from: ItemPoints; to: ItemPoints };
};

export type CorrectionOutcome =
  | { kind: 'corrected'; claimId: number; reference: number; from: ItemPoints; to: ItemPoints }
  | { kind: 'unknown_reference' | 'not_waiting' | 'own_household' | 'already_voted'; reference: number }
  | { kind: 'same_item' | 'already_claimed'; reference: number; item: string };

const asItem = (rule: { code: string; name: string; points: number }): ItemPoints => ({ code: rule.code, name: itemName(rule.name), points: rule.points });

/**
 * 改 1234 P07: before any approval, a cadre changes the item of a claim under review, and with it
 * its points (the new item's). The claim's row is locked; a claim event records who changed what.
 */
export async function correctClaim(db: Db, cadre: Cadre, reference: number, ruleCode: string, via: Via): Promise<CorrectionOutcome> {
  return db.transaction(async (tx) => {
    const [claim] = await tx.select().from(claims).where(and(
      eq(claims.villageId, cadre.villageId), eq(claims.reference, reference), inArray(claims.state, [...OPEN_CLAIM_STATES]),
    )).for('update');
    if (!claim) return { kind: 'unknown_reference', reference };
    if (claim.state !== 'awaiting_review') return { kind: 'not_waiting', reference };
    if (claim.householdId === cadre.householdId) return { kind: 'own_household', reference };
    const [votes] = await tx.select({ claimId: reviewApprovals.claimId }).from(reviewApprovals).where(eq(reviewApprovals.claimId, claim.id)).limit(1);
    if (votes) return { kind: 'already_voted', reference };
    const [from] = await tx.select().from(rules).where(eq(rules.id, claim.ruleId));
    const [to] = await tx.select().from(rules).where(and(eq(rules.villageId, cadre.villageId), eq(rules.code, ruleCode), eq(rules.kind, 'earn'), eq(rules.active, true)));
    if (!from || !to) return { kind: 'unknown_reference', reference };
    if (to.id === from.id) return { kind: 'same_item', reference, item: itemName(to.name) };
    const [twin] = await tx.select({ id: claims.id }).from(claims).where(and(eq(claims.sourceMessageId, claim.sourceMessageId), eq(claims.ruleId, to.id)));
    if (twin) return { kind: 'already_claimed', reference, item: itemName(to.name) };
    const detail: CorrectionDetail = { correction: { from: { ...asItem(from), points: claim.points ?? from.points }, to: asItem(to) } };
    await transition(tx, claim.id, 'awaiting_review', 'awaiting_review', {
      actor: `cadre:${cadre.id}`, ...via, set: { ruleId: to.id, points: to.points }, detail,
    });
    return { kind: 'corrected', claimId: claim.id, reference, ...detail.correction };
  });
}

function answerFor(texts: Texts, outcome: CorrectionOutcome): string {
  switch (outcome.kind) {
    case 'corrected': return texts.correction.done(outcome.reference, outcome.from.name, outcome.to.name, outcome.to.points);
    case 'unknown_reference': return texts.decision.unknownReference(outcome.reference);
    case 'not_waiting': return texts.correction.notWaiting(outcome.reference);
    case 'own_household': return texts.decision.ownHousehold(outcome.reference);
    case 'already_voted': return texts.correction.alreadyVoted(outcome.reference);
    case 'same_item': return texts.correction.sameItem(outcome.reference, outcome.item);
    case 'already_claimed': return texts.correction.alreadyClaimed(outcome.reference, outcome.item);
  }
}

/** Tells the villager their claim is now for the corrected item, on their preferred channel. */
async function tellVillager(context: Context, claimId: number, reference: number, to: ItemPoints) {
  const loaded = await loadClaim(context.db, claimId);
  const message = loaded && claimantMessage(context, loaded, 'corrected', textsOf(loaded.village).correction.toClaimant(reference, to.name, to.points),
    { reference: String(reference), item: to.name, points: String(to.points) });
  // Once per item it is corrected to: a second correction to another item is news too.
  if (message) await queueMessages(context, [{ ...message, dedupeKey: `claim-${claimId}-corrected-${to.code}` }]);
}

/** A cadre's 改 message: corrects the claim, answers the cadre and tells the villager. */
export async function correctClaimByMessage(context: Context, message: InboundMessage, cadre: KnownCadre, command: Extract<CadreCommand, { intent: 'correct_claim' }>) {
  const reply = (text: string, outcome: string) => answer(context, message, cadre, text, outcome);
  const texts = textsOf(cadre.village);
  if (!cadre.canApprove) return reply(texts.decision.notApprover(), 'not_approver');
  if (command.reference === undefined || command.items.length !== 1) return reply(texts.correction.which(), 'ambiguous');
  const outcome = await correctClaim(context.db, cadre, command.reference, command.items[0]!.rule.code, { channel: message.channel, messageId: message.id });
  if (outcome.kind === 'corrected') await tellVillager(context, outcome.claimId, outcome.reference, outcome.to);
  return reply(answerFor(texts, outcome), outcome.kind);
}
