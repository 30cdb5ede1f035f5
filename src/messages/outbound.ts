import { and, eq, inArray } from 'drizzle-orm';
import type { Context } from '../context.ts';
import { outboundMessages, type OutboundMessage } from '../db/schema/index.ts';
import { smsSize } from './segments.ts';

export interface MessageToSend {
  /** Names the logical message (claim-42-ack): sending it twice is one message. */
  dedupeKey: string;
  channel: string;
  address: string;
  text: string;
  sender?: string;
  /** Where the same text goes if the channel refuses it for good. */
  fallback?: { channel: string; address: string };
  /** The message's kind and values, for providers that send only approved templates (Aliyun). */
  kind?: string;
  params?: Record<string, string>;
}

/**
 * Records messages and queues their sending. Idempotent: a stage that runs again after a crash
 * calls it again with the same keys and only the messages not yet sent are queued.
 */
export async function queueMessages(context: Context, messages: MessageToSend[]): Promise<void> {
  if (messages.length === 0) return;
  let pending = await context.db.insert(outboundMessages).values(messages.map((m) => ({
    dedupeKey: m.dedupeKey, channel: m.channel, address: m.address, text: m.text, sender: m.sender ?? null,
    segments: m.channel === 'sms' ? smsSize(m.text).segments : null,
    fallbackChannel: m.fallback?.channel ?? null, fallbackAddress: m.fallback?.address ?? null,
    kind: m.kind ?? null, params: m.params ?? null,
  }))).onConflictDoNothing({ target: outboundMessages.dedupeKey }).returning({ id: outboundMessages.id });
  if (pending.length < messages.length) {
    // Some were recorded by an earlier run of the same stage: queue those not yet sent as well.
    pending = await context.db.select({ id: outboundMessages.id }).from(outboundMessages)
      .where(and(inArray(outboundMessages.dedupeKey, messages.map((m) => m.dedupeKey)), eq(outboundMessages.status, 'pending')));
  }
  await context.jobs.send(pending.map(({ id }) => id));
}

/** A message its channel refused for good goes out once more on its fallback (WeChat → SMS), if it has one. */
export async function queueFallback(context: Context, message: OutboundMessage): Promise<void> {
  if (!message.fallbackChannel || !message.fallbackAddress) return;
  await queueMessages(context, [{
    dedupeKey: `${message.dedupeKey}-fallback`, channel: message.fallbackChannel, address: message.fallbackAddress,
    text: message.text, sender: message.sender ?? undefined, kind: message.kind ?? undefined, params: message.params ?? undefined,
  }]);
}
