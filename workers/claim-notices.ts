import type { LoadedClaim } from '../src/claims/claims.ts';
import type { Context } from '../src/context.ts';
import { queueMessages } from '../src/messages/outbound.ts';

/** Tells the villager who declared a claim something about it, once per `topic`. */
export async function tellClaimant(context: Context, loaded: LoadedClaim, topic: string, text: string): Promise<void> {
  const address = loaded.member?.phone;
  if (!address) {
    context.log.warn({ claimId: loaded.claim.id, topic }, 'claimant has no address to notify');
    return;
  }
  await queueMessages(context, [{
    dedupeKey: `claim-${loaded.claim.id}-${topic}`, channel: 'sms', address, text, sender: loaded.village.settings.smsSenderNumber,
  }]);
}
