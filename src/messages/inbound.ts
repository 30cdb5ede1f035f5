import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { NormalizedInbound } from '../../channels/types.ts';
import type { Context } from '../context.ts';
import type { Executor } from '../db/database.ts';
import { cadres, households, inboundMessages, members, villages, type InboundMessage } from '../db/schema/index.ts';
import { reachedAt, type Sender } from '../directory.ts';
import { storableInbound } from '../storable.ts';

/**
 * Stores a provider's message (once: unique on channel + external id) and queues its intake.
 * The row is written before the webhook answers; if the queue is down the message waits for the sweeper.
 */
export async function acceptInbound(context: Context, received: NormalizedInbound): Promise<{ id: number; duplicate: boolean }> {
  const message = storableInbound(received);
  // Stored as queued: the enqueue that follows rarely fails, and then it says so (see queueIntake).
  const [stored] = await context.db.insert(inboundMessages).values({ ...message, queuedAt: sql`now()` })
    .onConflictDoNothing({ target: [inboundMessages.channel, inboundMessages.externalId] })
    .returning({ id: inboundMessages.id });
  if (!stored) {
    const [existing] = await context.db.select({ id: inboundMessages.id }).from(inboundMessages)
      .where(and(eq(inboundMessages.channel, message.channel), eq(inboundMessages.externalId, message.externalId)));
    return { id: existing!.id, duplicate: true };
  }
  await queueIntake(context, stored.id, { marked: true });
  return { id: stored.id, duplicate: false };
}

/**
 * Queues a message's intake and records that it is queued. `marked`: the row says so already; a
 * refused enqueue clears the mark, so the sweeper queues it within seconds (a crash in between
 * leaves it marked: the sweeper's check of messages queued but never processed finds it).
 */
async function queueIntake(context: Context, messageId: number, { marked = false } = {}): Promise<boolean> {
  try {
    await context.jobs.enqueue({ name: 'intake', data: { messageId } });
    if (!marked) await context.db.update(inboundMessages).set({ queuedAt: new Date() }).where(eq(inboundMessages.id, messageId));
    return true;
  } catch (error) {
    context.log.warn({ messageId, err: error }, 'queue unavailable: message stored, the sweeper will queue it');
    if (marked) await context.db.update(inboundMessages).set({ queuedAt: null }).where(eq(inboundMessages.id, messageId));
    return false;
  }
}

/** Queues every stored message that never reached the queue; returns how many it queued. */
export async function sweepUnqueued(context: Context, olderThanMs = 5_000): Promise<number> {
  const waiting = await context.db.select({ id: inboundMessages.id }).from(inboundMessages)
    .where(and(isNull(inboundMessages.queuedAt), lt(inboundMessages.receivedAt, new Date(Date.now() - olderThanMs))))
    .orderBy(inboundMessages.id).limit(500);
  let queued = 0;
  for (const { id } of waiting) {
    if (!(await queueIntake(context, id))) break;
    queued++;
  }
  return queued;
}

/** Records what became of a message, with the work's other writes at commit; only the first outcome counts. */
export async function markProcessed(context: Pick<Context, 'outbox'>, messageId: number, outcome: string): Promise<void> {
  await context.outbox.markProcessed(messageId, outcome);
}

export async function loadInbound(db: Executor, messageId: number) {
  const [message] = await db.select().from(inboundMessages).where(eq(inboundMessages.id, messageId));
  return message;
}

const cadreVillage = alias(villages, 'cadre_village');
const memberVillage = alias(villages, 'member_village');

/** How many messages its sender sent in the minute up to and including this one (by arrival order), for flood control. */
const sentInLastMinute = sql<number>`(select count(*)::int from jifen.inbound_messages earlier
  where earlier.channel = ${inboundMessages.channel} and earlier.sender = ${inboundMessages.sender}
  and earlier.id <= ${inboundMessages.id} and earlier.received_at > ${inboundMessages.receivedAt} - interval '1 minute')`;

/**
 * A stored message with its row locked until commit (FOR UPDATE), who sent it (a cadre, a
 * household member or both) and how many messages they sent in the last minute, read in one statement.
 */
export async function lockInboundWithSender(db: Executor, messageId: number): Promise<({ message: InboundMessage; sentInLastMinute: number } & Sender) | undefined> {
  const [row] = await db.select({ message: inboundMessages, cadre: cadres, cadreVillage, member: members, household: households, memberVillage, sentInLastMinute })
    .from(inboundMessages)
    .leftJoin(cadres, reachedAt(cadres, inboundMessages.channel, inboundMessages.sender))
    .leftJoin(cadreVillage, eq(cadreVillage.id, cadres.villageId))
    .leftJoin(members, reachedAt(members, inboundMessages.channel, inboundMessages.sender))
    .leftJoin(households, eq(households.id, members.householdId))
    .leftJoin(memberVillage, eq(memberVillage.id, households.villageId))
    .where(eq(inboundMessages.id, messageId))
    // FOR UPDATE OF the message alone; drizzle would qualify the name, which PostgreSQL refuses.
    .for('update', { of: sql.raw('inbound_messages') as unknown as typeof inboundMessages })
    .limit(1);
  if (!row) return undefined;
  const { message, cadre, member, household } = row;
  return {
    message,
    sentInLastMinute: row.sentInLastMinute,
    cadre: cadre && row.cadreVillage ? { ...cadre, village: row.cadreVillage } : undefined,
    member: member && household && row.memberVillage ? { ...member, household, village: row.memberVillage } : undefined,
  };
}
