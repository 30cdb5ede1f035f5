import type { Context } from '../context.ts';
import type { InboundMessage, Village } from '../db/schema/index.ts';
import { queueMessages } from './outbound.ts';

/**
 * Answers an inbound message on its channel, to the address it came from and from the address it
 * was sent to (else the village's number); `dedupeKey` names the answer when it is not the reply.
 */
export async function replyTo(context: Context, message: InboundMessage, text: string, village?: Village, dedupeKey = `message-${message.id}-reply`): Promise<void> {
  // A call or a transcript is answered by SMS to the caller's number.
  const channel = message.channel === 'voice' ? 'sms' : message.channel;
  await queueMessages(context, [{
    dedupeKey, channel, address: message.sender, text,
    sender: message.recipient ?? village?.settings.smsSenderNumber,
  }]);
}
