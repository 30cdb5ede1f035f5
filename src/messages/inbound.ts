import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import type { NormalizedInbound } from '../../channels/types.ts';
import type { Context } from '../context.ts';
import type { Executor } from '../db/database.ts';
import { inboundMessages } from '../db/schema/index.ts';
import { plausibleTime, storableJson, storableText } from '../storable.ts';

/** The message as PostgreSQL can hold it, whatever the adapter left in it: no NUL, no lone surrogate, a real time. */
export function storable(message: NormalizedInbound): NormalizedInbound {
  return {
    ...message,
    externalId: storableText(message.externalId),
    sender: storableText(message.sender),
    recipient: message.recipient === undefined ? undefined : storableText(message.recipient),
    text: storableText(message.text),
    attachments: storableJson(message.attachments) as NormalizedInbound['attachments'],
    receivedAt: plausibleTime(message.receivedAt, new Date()),
    raw: storableJson(message.raw) as Record<string, unknown>,
  };
}

/**
 * Stores a provider's message (once: unique on channel + external id) and queues its intake.
 * The row is written before the webhook answers; if the queue is down the message waits for the sweeper.
 */
export async function acceptInbound(context: Context, received: NormalizedInbound): Promise<{ id: number; duplicate: boolean }> {
  const message = storable(received);
  const [stored] = await context.db.insert(inboundMessages).values(message)
    .onConflictDoNothing({ target: [inboundMessages.channel, inboundMessages.externalId] })
    .returning({ id: inboundMessages.id });
  if (!stored) {
    const [existing] = await context.db.select({ id: inboundMessages.id }).from(inboundMessages)
      .where(and(eq(inboundMessages.channel, message.channel), eq(inboundMessages.externalId, message.externalId)));
    return { id: existing!.id, duplicate: true };
  }
  await queueIntake(context, stored.id);
  return { id: stored.id, duplicate: false };
}

async function queueIntake(context: Context, messageId: number): Promise<boolean> {
  try {
    await context.jobs.enqueue({ name: 'intake', data: { messageId } });
    await context.db.update(inboundMessages).set({ queuedAt: new Date() }).where(eq(inboundMessages.id, messageId));
    return true;
  } catch (error) {
    context.log.warn({ messageId, err: error }, 'queue unavailable: message stored, the sweeper will queue it');
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

/** Records what became of a message; only the first outcome counts. */
export async function markProcessed(db: Executor, messageId: number, outcome: string): Promise<void> {
  await db.update(inboundMessages).set({ processedAt: sql`now()`, outcome })
    .where(and(eq(inboundMessages.id, messageId), isNull(inboundMessages.processedAt)));
}

export async function loadInbound(db: Executor, messageId: number) {
  const [message] = await db.select().from(inboundMessages).where(eq(inboundMessages.id, messageId));
  return message;
}
