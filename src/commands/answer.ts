import type { Context } from '../context.ts';
import type { InboundMessage } from '../db/schema/index.ts';
import type { KnownCadre } from '../directory.ts';
import { markProcessed } from '../messages/inbound.ts';
import { replyTo } from '../messages/reply.ts';

/** Answers a cadre and closes the message (in the caller's transaction). */
export async function answer(context: Context, message: InboundMessage, cadre: KnownCadre, text: string, outcome: string) {
  await replyTo(context, message, text, { village: cadre.village, fallbackPhone: cadre.phone });
  await markProcessed(context, message.id, outcome);
}
