import { and, eq } from 'drizzle-orm';
import type { Context } from '../context.ts';
import { cadres, type InboundMessage } from '../db/schema/index.ts';
import type { KnownMember } from '../directory.ts';
import { maskPhone } from '../log.ts';
import { textsOf } from '../village-texts.ts';
import { routeTo } from './addressing.ts';
import { markProcessed } from './inbound.ts';
import { queueMessages } from './outbound.ts';
import { replyTo } from './reply.ts';

/**
 * Flood control at the door of understanding: a sender's first FLOOD_MAX_PER_MINUTE messages of a
 * minute (`count`, read with the message by lockInboundWithSender) are handled as usual. The next
 * one is answered once (「消息太多…」) and the village's approving cadres are told; every further
 * one is only stored (outcome `flood`), never answered,
 * so a stuck phone or a prank costs no SMS. Returns true when the message was held back.
 * Runs in the message's transaction (intake's runInTransaction): the answers are outbound rows and
 * outbox entries that commit with the message marked `flood`, or not at all.
 */
export async function holdFlood(context: Context, message: InboundMessage, member: KnownMember, count: number): Promise<boolean> {
  const limit = context.config.operations.floodPerMinute;
  if (count <= limit) return false;
  if (count === limit + 1) {
    await replyTo(context, message, textsOf(member.village).floodNotice(), { village: member.village, fallbackPhone: member.phone });
    await tellCadres(context, message, member, count);
  }
  await markProcessed(context, message.id, 'flood');
  return true;
}

async function tellCadres(context: Context, message: InboundMessage, member: KnownMember, count: number): Promise<void> {
  const approvers = await context.db.select().from(cadres).where(and(eq(cadres.villageId, member.village.id), eq(cadres.canApprove, true)));
  const text = textsOf(member.village).floodToCadres(member.household.code, maskPhone(message.sender), count);
  await queueMessages(context, approvers.flatMap((cadre) => {
    const route = routeTo(context, cadre);
    return route ? [{ dedupeKey: `message-${message.id}-flood-cadre-${cadre.id}`, ...route, text, sender: member.village.settings.smsSenderNumber }] : [];
  }));
}
