import type { LoadedClaim } from '../claims/claims.ts';
import type { Context } from '../context.ts';
import { routeTo } from '../messages/addressing.ts';
import { queueMessages, type MessageToSend } from '../messages/outbound.ts';

/**
 * A message to the villager a claim is for, once per `topic` (its kind is claim_<topic>, with the
 * template values in `params`), on their preferred channel; undefined when they cannot be reached.
 */
export function claimantMessage(context: Context, loaded: LoadedClaim, topic: string, text: string, params?: Record<string, string>): MessageToSend | undefined {
  const route = loaded.member && routeTo(context, loaded.member);
  if (!route) {
    context.log.warn({ claimId: loaded.claim.id, topic }, 'claimant has no address to notify');
    return undefined;
  }
  return { dedupeKey: `claim-${loaded.claim.id}-${topic}`, ...route, text, sender: loaded.village.settings.smsSenderNumber, kind: `claim_${topic}`, params };
}

/** Tells the villager a claim is for something about it, once per `topic`. */
export async function tellClaimant(context: Context, loaded: LoadedClaim, topic: string, text: string, params?: Record<string, string>): Promise<void> {
  const message = claimantMessage(context, loaded, topic, text, params);
  if (message) await queueMessages(context, [message]);
}
