import type { ChannelAdapter, ChannelHost, NonceStore } from '../../channels/types.ts';
import type { Context } from '../context.ts';
import { answerLocally } from '../db/reachability.ts';
import { acceptOrSpool } from './accept-or-spool.ts';
import { recordDelivery } from './delivery-reports.ts';
import { outageNoncesOf } from './outage-nonces.ts';
import { OutageTexts, readVillageTexts } from './outage-texts.ts';
import { preview } from '../understanding/preview.ts';
import { claimNonce, releaseNonce } from './replay-nonces.ts';
import { storableText } from '../storable.ts';

/** Read back before 。确认请按1: the words' own full stop would be said twice. */
const TRAILING_PUNCTUATION = /[。．.！!？?，,、\s]+$/u;

/**
 * Nonces in PostgreSQL, shared by every process; while it is unreachable, in this machine's local
 * memory next to the spool, which the import hands to PostgreSQL. A nonce in the local memory is
 * refused whether PostgreSQL answers or not (it does not know it until the import).
 */
function nonceStore(context: Context): NonceStore {
  const local = outageNoncesOf(context);
  return {
    async claim(provider, nonce, expiresAt) {
      if (await local.has(provider, nonce)) return false;
      try {
        return await context.reachability.attempt(() => claimNonce(context.db, provider, nonce, expiresAt));
      } catch (error) {
        if (!answerLocally(error)) throw error;
        return local.claim(provider, nonce, expiresAt);
      }
    },
    async release(provider, nonce) {
      await local.release(provider, nonce);
      // Unreachable: whatever PostgreSQL holds of it expires on its own.
      await context.reachability.attempt(() => releaseNonce(context.db, provider, nonce)).catch((error) => {
        if (!answerLocally(error)) throw error;
      });
    },
  };
}

/**
 * What channel adapters may do with jifen: store what arrives (spooled to disk while PostgreSQL is
 * down), record what a provider reports, read a call's words back, refuse replays. Adapters hand
 * over what the provider sent as it is; what PostgreSQL cannot hold (NUL, a lone surrogate) is
 * cleaned here and in acceptInbound (storableInbound), once, for every channel. Resolves once the
 * villages' texts are read, for what must be said while PostgreSQL is down.
 */
export async function channelHost(context: Context): Promise<ChannelHost> {
  const texts = new OutageTexts(() => readVillageTexts(context.db));
  await texts.read();
  return {
    async acceptInbound(message) {
      const accepted = await acceptOrSpool(context, message);
      if (!accepted.spooled) {
        texts.refreshIfStale();
        return accepted;
      }
      return { ...accepted, acknowledgement: texts.textsFor(message.recipient).spoken.kept() };
    },
    // Not spooled: a delivery report that fails in time is retried by the providers that report by webhook again (not Twilio).
    recordDelivery: (providerId, status, error) => context.reachability.attempt(() =>
      recordDelivery(context, storableText(providerId), status, error === undefined ? undefined : storableText(error))),
    async preview(channel, sender, text, recipient) {
      try {
        return await context.reachability.attempt(() => preview(context, channel, storableText(sender), storableText(text)));
      } catch (error) {
        if (!answerLocally(error)) throw error;
        return { kind: 'unchecked', speech: texts.textsFor(recipient).spoken.heard(text.trim().replace(TRAILING_PUNCTUATION, '')) };
      }
    },
    nonces: nonceStore(context),
  };
}

/** Starts the providers that keep a connection of their own (a Wechaty bot); returns how to stop them. */
export async function startChannels(context: Context): Promise<() => Promise<void>> {
  const host = await channelHost(context);
  const started: ChannelAdapter[] = [];
  for (const adapter of context.channels.adapters) {
    if (!adapter.start) continue;
    await adapter.start(host);
    started.push(adapter);
  }
  return async () => { for (const adapter of started) await adapter.stop?.(); };
}
