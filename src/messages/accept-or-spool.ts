import type { NormalizedInbound } from '../../channels/types.ts';
import type { Context } from '../context.ts';
import { answerLocally, unreachableReason } from '../db/reachability.ts';
import { inboundSpooled } from '../metrics/process-metrics.ts';
import { acceptInbound } from './inbound.ts';
import { storableInbound } from '../storable.ts';

/**
 * Stores a provider's message, or, when PostgreSQL cannot be reached (refused, dropped, no answer
 * within INBOUND_STORE_TIMEOUT_MS, or unreachable a moment ago: context.reachability), appends it to
 * the local spool and resolves once it is on disk: either way the webhook may answer 200, and a
 * provider that does not retry (Twilio SMS) loses nothing. If the spool cannot be written either
 * this throws, and the webhook answers 5xx. A store that finishes after its deadline leaves a row
 * as well: the import finds it and stores nothing twice.
 */
export async function acceptOrSpool(context: Context, received: NormalizedInbound): Promise<{ id: number; duplicate: boolean; spooled?: undefined } | { id?: undefined; duplicate: false; spooled: true }> {
  try {
    return await context.reachability.attempt(() => acceptInbound(context, received));
  } catch (error) {
    if (!answerLocally(error)) throw error;
    await spoolInbound(context, received, unreachableReason(error));
    return { duplicate: false, spooled: true };
  }
}

/** Appends a message PostgreSQL cannot take now to the spool (fsync'd when this resolves), counted and logged without its text. */
async function spoolInbound(context: Context, received: NormalizedInbound, reason: string): Promise<void> {
  await context.spool.append(storableInbound(received));
  inboundSpooled.inc({ channel: received.channel });
  context.log.warn({ channel: received.channel, externalId: received.externalId, reason }, 'database unreachable: message spooled to disk');
}
