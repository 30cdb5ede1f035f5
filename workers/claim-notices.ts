import type { LoadedClaim } from '../src/claims/claims.ts';
import type { Context } from '../src/context.ts';
import { queueMessages, type MessageToSend } from '../src/messages/outbound.ts';

/** A message to the villager who declared a claim, once per `topic`; undefined when they have no address. */
export function claimantMessage(context: Context, loaded: LoadedClaim, topic: string, text: string): MessageToSend | undefined {
  const address = loaded.member?.phone;
  if (!address) {
    context.log.warn({ claimId: loaded.claim.id, topic }, 'claimant has no address to notify');
    return undefined;
  }
  return { dedupeKey: `claim-${loaded.claim.id}-${topic}`, channel: 'sms', address, text, sender: loaded.village.settings.smsSenderNumber };
}

/** Tells the villager who declared a claim something about it, once per `topic`. */
export async function tellClaimant(context: Context, loaded: LoadedClaim, topic: string, text: string): Promise<void> {
  const message = claimantMessage(context, loaded, topic, text);
  if (message) await queueMessages(context, [message]);
}
