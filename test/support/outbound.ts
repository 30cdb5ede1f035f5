import { eq } from 'drizzle-orm';
import { outboundMessages } from '../../src/db/schema/index.ts';
import { queueMessages, type MessageToSend } from '../../src/messages/outbound.ts';
import type { Harness } from './jifen.ts';

/** Queues one message and waits until its sending has settled (it left 'pending'); returns its row. */
export async function sendAndSettle(jifen: Harness, message: MessageToSend, timeoutMs?: number) {
  await queueMessages(jifen.context, [message]);
  return jifen.waitFor(async () => {
    const [row] = await jifen.context.db.select().from(outboundMessages).where(eq(outboundMessages.dedupeKey, message.dedupeKey));
    return row && row.status !== 'pending' && row;
  }, `outbound ${message.dedupeKey} to settle`, timeoutMs);
}

/** Waits until no recorded message is still being sent: scripted provider answers then reach only the next one. */
export async function outboxIdle(jifen: Harness): Promise<void> {
  await jifen.waitFor(async () => {
    const pending = await jifen.context.db.select({ id: outboundMessages.id }).from(outboundMessages).where(eq(outboundMessages.status, 'pending')).limit(1);
    return pending.length === 0;
  }, 'every recorded message sent');
}
