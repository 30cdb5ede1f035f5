import { and, eq, gt, isNull, lt, ne, or, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { conversations, type Conversation, type InboundMessage } from '../db/schema/index.ts';

/** How long jifen waits for the answer to a question before a reply means something new. */
export const CONVERSATION_MINUTES = 30;

/**
 * The question a message answers: the one it already closed (when its job runs again), else the
 * member's open question asked before it and not yet expired when it arrived; one statement.
 */
export async function conversationFor(db: Executor, memberId: number, message: InboundMessage): Promise<Conversation | undefined> {
  const [conversation] = await db.select().from(conversations).where(or(
    eq(conversations.closedBy, message.id),
    and(eq(conversations.memberId, memberId), isNull(conversations.closedBy),
      lt(conversations.messageId, message.id), gt(conversations.expiresAt, message.receivedAt)),
  )).orderBy(sql`${conversations.closedBy} is null`).limit(1);
  return conversation;
}

/** Asks a question of the member, dropping any question still open (idempotent per message). */
export async function openConversation(tx: Executor, memberId: number, message: InboundMessage, kind: Conversation['kind'], options: string[]): Promise<void> {
  await tx.update(conversations).set({ closedBy: message.id })
    .where(and(eq(conversations.memberId, memberId), isNull(conversations.closedBy), ne(conversations.messageId, message.id)));
  await tx.insert(conversations).values({
    memberId, kind, messageId: message.id, options,
    expiresAt: new Date(message.receivedAt.getTime() + CONVERSATION_MINUTES * 60_000),
  }).onConflictDoNothing({ target: conversations.messageId });
}

export async function closeConversation(tx: Executor, conversationId: number, messageId: number): Promise<void> {
  await tx.update(conversations).set({ closedBy: messageId }).where(and(eq(conversations.id, conversationId), isNull(conversations.closedBy)));
}
