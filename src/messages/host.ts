import type { ChannelAdapter, ChannelHost } from '../../channels/types.ts';
import type { Context } from '../context.ts';
import { acceptOrSpool } from './accept-or-spool.ts';
import { recordDelivery } from './delivery-reports.ts';
import { preview } from '../understanding/preview.ts';
import { claimNonce, releaseNonce } from './replay-nonces.ts';
import { storableText } from '../storable.ts';

/**
 * What channel adapters may do with jifen: store what arrives (spooled to disk while PostgreSQL is
 * down), record what a provider reports, refuse replays. Adapters hand over what the provider sent as
 * it is; what PostgreSQL cannot hold (NUL, a lone surrogate) is cleaned here and in acceptInbound
 * (storableInbound), once, for every channel.
 */
export function channelHost(context: Context): ChannelHost {
  return {
    acceptInbound: (message) => acceptOrSpool(context, message),
    recordDelivery: (providerId, status, error) => recordDelivery(context, storableText(providerId), status, error === undefined ? undefined : storableText(error)),
    preview: (channel, sender, text) => preview(context, channel, storableText(sender), storableText(text)),
    nonces: {
      claim: (provider, nonce, expiresAt) => claimNonce(context.db, provider, nonce, expiresAt),
      release: (provider, nonce) => releaseNonce(context.db, provider, nonce),
    },
  };
}

/** Starts the providers that keep a connection of their own (a Wechaty bot); returns how to stop them. */
export async function startChannels(context: Context): Promise<() => Promise<void>> {
  const host = channelHost(context);
  const started: ChannelAdapter[] = [];
  for (const adapter of context.channels.adapters) {
    if (!adapter.start) continue;
    await adapter.start(host);
    started.push(adapter);
  }
  return async () => { for (const adapter of started) await adapter.stop?.(); };
}
