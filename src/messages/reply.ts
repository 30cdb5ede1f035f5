import { sql } from 'drizzle-orm';
import type { Context } from '../context.ts';
import { outboundMessages, type InboundMessage, type Village } from '../db/schema/index.ts';
import { queueMessages, type MessageToSend } from './outbound.ts';

export interface ReplyOptions {
  /** The village whose SMS number answers when the message does not say which number it was sent to. */
  village?: Village;
  /** Names the answer when it is not the one reply to the message. */
  dedupeKey?: string;
  /** The sender's phone, for when a WeChat answer cannot be delivered. */
  fallbackPhone?: string | null;
}

/**
 * Answers an inbound message on its channel, to the address it came from and from the address it
 * was sent to (else the village's number). A call, a transcript or a CLI entry is answered by SMS.
 */
/** The channel an answer to the message goes out on: a call, a transcript or a CLI entry is answered by SMS. */
export const replyChannel = (message: InboundMessage) => (message.channel === 'voice' || message.channel === 'cli' ? 'sms' : message.channel);

/**
 * On a channel that takes only passive replies (QQ), what an answer carries: the message it
 * answers and its number among the answers to it (msg_seq: the same number twice is refused as a repeat).
 */
async function passiveReply(context: Context, message: InboundMessage): Promise<MessageToSend['replyTo']> {
  if (message.channel !== 'qq') return undefined;
  const [row] = await context.db.select({ count: sql<number>`count(*)::int` }).from(outboundMessages)
    .where(sql`${outboundMessages.replyTo} is not null and ${outboundMessages.replyTo}->>'id' = ${message.externalId}`);
  return { id: message.externalId, at: message.receivedAt.toISOString(), seq: (row?.count ?? 0) + 1 };
}

export async function replyTo(context: Context, message: InboundMessage, text: string, options: ReplyOptions = {}): Promise<void> {
  const channel = replyChannel(message);
  await queueMessages(context, [{
    replyTo: await passiveReply(context, message),
    dedupeKey: options.dedupeKey ?? `message-${message.id}-reply`, channel, address: message.sender, text,
    fallback: channel !== 'sms' && options.fallbackPhone ? { channel: 'sms', address: options.fallbackPhone } : undefined,
    sender: message.recipient ?? options.village?.settings.smsSenderNumber,
  }]);
}
