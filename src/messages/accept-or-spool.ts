import type { AcceptedInbound, NormalizedInbound } from '../../channels/types.ts';
import type { Context } from '../context.ts';
import { isDatabaseUnreachable, pgError } from '../db/errors.ts';
import { inboundSpooled } from '../metrics/process-metrics.ts';
import { acceptInbound } from './inbound.ts';
import { storableInbound } from '../storable.ts';

class StoreTimeout extends Error {}

function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new StoreTimeout(`not stored within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/**
 * Stores a provider's message, or, when PostgreSQL cannot be reached (refused, dropped, or no
 * answer within INBOUND_STORE_TIMEOUT_MS), appends it to the local spool and resolves once it is on
 * disk: either way the webhook may answer 200, and a provider that does not retry (Twilio SMS) loses
 * nothing. If the spool cannot be written either this throws, and the webhook answers 5xx.
 * A store that finishes after its deadline leaves a row as well: the import finds it and stores nothing twice.
 */
export async function acceptOrSpool(context: Context, received: NormalizedInbound): Promise<AcceptedInbound> {
  try {
    return await within(acceptInbound(context, received), context.config.operations.inboundStoreTimeoutMs);
  } catch (error) {
    if (!(error instanceof StoreTimeout) && !isDatabaseUnreachable(error)) throw error;
    await context.spool.append(storableInbound(received));
    inboundSpooled.inc({ channel: received.channel });
    // The reason's code only: a wrapped query error quotes the message's text.
    const reason = error instanceof StoreTimeout ? 'timeout' : (pgError(error)?.code ?? 'connection lost');
    context.log.warn({ channel: received.channel, externalId: received.externalId, reason }, 'database unreachable: message spooled to disk');
    return { duplicate: false, spooled: true };
  }
}
