import { and, eq } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { optOuts, type InboundMessage } from '../db/schema/index.ts';

/** Records that the sender opted out; true the first time (and when this message's job runs again). */
export async function optOut(db: Executor, message: InboundMessage): Promise<boolean> {
  await db.insert(optOuts).values({ channel: message.channel, address: message.sender, messageId: message.id }).onConflictDoNothing();
  const [row] = await db.select({ messageId: optOuts.messageId }).from(optOuts)
    .where(and(eq(optOuts.channel, message.channel), eq(optOuts.address, message.sender)));
  return row?.messageId === message.id;
}

export async function optIn(db: Executor, message: InboundMessage): Promise<void> {
  await db.delete(optOuts).where(and(eq(optOuts.channel, message.channel), eq(optOuts.address, message.sender)));
}
