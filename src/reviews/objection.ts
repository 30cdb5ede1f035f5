import { and, eq } from 'drizzle-orm';
import { loadClaim, transition } from '../claims/claims.ts';
import type { Context } from '../context.ts';
import { claimEvents, claims, type InboundMessage, type Village } from '../db/schema/index.ts';
import { currentRound } from '../reviews/rounds.ts';
import { itemName } from '../templates.ts';
import { textsOf } from '../village-texts.ts';
import type { Objection } from '../understanding/objection.ts';
import { tellClaimant } from '../claims/notices.ts';
import { requestReview } from '../claims/advance.ts';
import { transactionOf } from '../plans/runner.ts';

export interface Objector {
  /** member:<id> or cadre:<id>, as claim events name people. */
  actor: string;
  village: Village;
}

/** The claim this message already sent back to review, if an earlier run of its job got that far. */
async function objectedBefore(context: Context, messageId: number) {
  const [event] = await context.db.select({ claimId: claimEvents.claimId }).from(claimEvents)
    .where(and(eq(claimEvents.messageId, messageId), eq(claimEvents.fromState, 'publicity'), eq(claimEvents.toState, 'awaiting_review')));
  return event?.claimId;
}

/** Moves a claim in publicity back to review with who objected and why; undefined when none was in publicity. */
async function sendBack(context: Context, objector: Objector, message: InboundMessage, objection: Objection & { reference: number }) {
  const [claim] = await context.db.select().from(claims).where(and(
    eq(claims.villageId, objector.village.id), eq(claims.reference, objection.reference), eq(claims.state, 'publicity'),
  ));
  if (!claim) return undefined;
  const moved = await transition(transactionOf(context), claim.id, 'publicity', 'awaiting_review', {
    actor: objector.actor, channel: message.channel, messageId: message.id, reason: objection.reason ?? textsOf(objector.village).noReason, detail: { objection: true },
  });
  return moved?.id;
}

/**
 * 异议: a villager or cadre objects to a claim in publicity (公示); it goes back to review, every
 * approver is asked again and the villager told. Returns the answer to the objector. Safe to repeat.
 */
export async function object(context: Context, objector: Objector, message: InboundMessage, objection: Objection): Promise<string> {
  const texts = textsOf(objector.village);
  if (objection.reference === undefined) return texts.publicity.howToObject();
  const claimId = (await objectedBefore(context, message.id)) ?? (await sendBack(context, objector, message, { ...objection, reference: objection.reference }));
  if (claimId === undefined) return texts.publicity.notInPublicity(objection.reference);
  const review = (await currentRound(context.db, claimId))!;
  const loaded = (await loadClaim(context.db, claimId))!;
  const { round } = review;
  if (loaded.claim.state === 'awaiting_review') await requestReview(context, loaded, review);
  await tellClaimant(context, loaded, `objection-round-${round}`, texts.publicity.toClaimant(itemName(loaded.rule.name)));
  return texts.publicity.objectionTaken(objection.reference);
}
