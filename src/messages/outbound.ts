import { and, eq, inArray } from 'drizzle-orm';
import type { Context } from '../context.ts';
import { optOuts, outboundMessages, type OutboundMessage } from '../db/schema/index.ts';
import { OUTBOUND_CHANNELS } from '../queue/jobs.ts';
import { outboundChannel } from '../queue/jobs-client.ts';
import { isEssential } from './essential.ts';
import { smsSize } from './segments.ts';

export interface MessageToSend {
  /** Names the logical message (claim-42-ack): sending it twice is one message. */
  dedupeKey: string;
  channel: string;
  address: string;
  text: string;
  sender?: string;
  /** Where the message goes if the channel refuses it for good: the same text, or its own (one SMS segment). */
  fallback?: { channel: string; address: string; text?: string };
  /** The message's kind and values, for providers that send only approved templates (Aliyun). */
  kind?: string;
  params?: Record<string, string>;
}

export interface QueueOptions {
  /** Hold the sending back this long (quiet hours). */
  delayMs?: number;
  /** Messages per send job (the weekly fan-out); one by default. */
  batchSize?: number;
}

const addressKey = (channel: string, address: string) => `${channel} ${address}`;

/** The non-essential messages whose recipient opted out on that channel: they are recorded, never sent. */
export async function optedOutAmong(context: Context, messages: MessageToSend[]): Promise<MessageToSend[]> {
  const candidates = messages.filter((m) => !isEssential(m.kind));
  if (candidates.length === 0) return [];
  const rows = await context.db.select({ channel: optOuts.channel, address: optOuts.address }).from(optOuts)
    .where(inArray(optOuts.address, [...new Set(candidates.map((m) => m.address))]));
  const optedOut = new Set(rows.map((row) => addressKey(row.channel, row.address)));
  return candidates.filter((m) => optedOut.has(addressKey(m.channel, m.address)));
}

/**
 * Records messages and queues their sending. Idempotent: a stage that runs again after a crash
 * calls it again with the same keys and only the messages not yet sent are queued. A
 * non-essential message to an address that opted out is recorded as opted_out and not queued;
 * those are returned.
 */
export async function queueMessages(context: Context, messages: MessageToSend[], options: QueueOptions = {}): Promise<MessageToSend[]> {
  if (messages.length === 0) return [];
  for (const m of messages) outboundChannel(m.channel); // a channel jifen cannot send on is refused before anything is recorded
  const optedOut = new Set(await optedOutAmong(context, messages));
  const isOptedOut = (m: MessageToSend) => optedOut.has(m);
  const recorded = await context.db.insert(outboundMessages).values(messages.map((m) => ({
    dedupeKey: m.dedupeKey, channel: m.channel, address: m.address, text: m.text, sender: m.sender ?? null,
    segments: m.channel === 'sms' ? smsSize(m.text).segments : null,
    fallbackChannel: m.fallback?.channel ?? null, fallbackAddress: m.fallback?.address ?? null, fallbackText: m.fallback?.text ?? null,
    kind: m.kind ?? null, params: m.params ?? null, status: isOptedOut(m) ? 'opted_out' as const : 'pending' as const,
  }))).onConflictDoNothing({ target: outboundMessages.dedupeKey })
    .returning({ id: outboundMessages.id, channel: outboundMessages.channel, status: outboundMessages.status });
  let pending = recorded.filter((row) => row.status === 'pending');
  if (recorded.length < messages.length) {
    // Some were recorded by an earlier run of the same stage: queue those not yet sent as well.
    pending = await context.db.select({ id: outboundMessages.id, channel: outboundMessages.channel, status: outboundMessages.status }).from(outboundMessages)
      .where(and(inArray(outboundMessages.dedupeKey, messages.map((m) => m.dedupeKey)), eq(outboundMessages.status, 'pending')));
  }
  for (const channel of OUTBOUND_CHANNELS) {
    const outboundIds = pending.filter((row) => row.channel === channel).map((row) => row.id);
    await context.outbox.send({ channel, outboundIds, ...options });
  }
  return [...optedOut];
}

/** A message its channel refused for good goes out once more on its fallback (WeChat → SMS), if it has one. */
export async function queueFallback(context: Context, message: OutboundMessage): Promise<void> {
  if (!message.fallbackChannel || !message.fallbackAddress) return;
  await queueMessages(context, [{
    dedupeKey: `${message.dedupeKey}-fallback`, channel: message.fallbackChannel, address: message.fallbackAddress,
    text: message.fallbackText ?? message.text, sender: message.sender ?? undefined, kind: message.kind ?? undefined, params: message.params ?? undefined,
  }]);
}
