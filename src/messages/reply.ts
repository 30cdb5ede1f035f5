import type { Context } from '../context.ts';
import type { InboundMessage, Village } from '../db/schema/index.ts';
import { queueMessages } from './outbound.ts';

/** Answers an inbound message on the channel and address it came from; `suffix` tells several answers apart. */
export async function replyTo(context: Context, message: InboundMessage, text: string, village?: Village, suffix = 'reply'): Promise<void> {
  await queueMessages(context, [{
    dedupeKey: `message-${message.id}-${suffix}`, channel: message.channel, address: message.sender, text,
    sender: village?.settings.smsSenderNumber,
  }]);
}
