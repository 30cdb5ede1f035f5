import { desc, eq } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { inboundMessages, outboundMessages } from '../db/schema/index.ts';

export interface MessageLine {
  direction: 'in' | 'out';
  channel: string;
  address: string;
  text: string;
  status: string;
  at: string;
}

/** Recent inbound and outbound messages, newest first, optionally for one address. */
export async function recentMessages(db: Db, options: { to?: string; limit: number }): Promise<MessageLine[]> {
  const inbound = await db.select().from(inboundMessages)
    .where(options.to ? eq(inboundMessages.sender, options.to) : undefined)
    .orderBy(desc(inboundMessages.receivedAt)).limit(options.limit);
  const outbound = await db.select().from(outboundMessages)
    .where(options.to ? eq(outboundMessages.address, options.to) : undefined)
    .orderBy(desc(outboundMessages.createdAt), desc(outboundMessages.id)).limit(options.limit);
  const lines: (MessageLine & { time: number })[] = [
    ...inbound.map((m) => ({
      direction: 'in' as const, channel: m.channel, address: m.sender, text: m.text,
      status: m.outcome ?? (m.processedAt ? 'processed' : m.queuedAt ? 'queued' : 'stored'), at: m.receivedAt.toISOString(), time: m.receivedAt.getTime(),
    })),
    ...outbound.map((m) => ({
      direction: 'out' as const, channel: m.channel, address: m.address, text: m.text, status: m.status,
      at: m.createdAt.toISOString(), time: m.createdAt.getTime(),
    })),
  ];
  return lines.sort((a, b) => b.time - a.time).slice(0, options.limit).map(({ time: _time, ...line }) => line);
}

