import { sql } from 'drizzle-orm';
import { bigserial, index, integer, jsonb, text, timestamp, unique } from 'drizzle-orm/pg-core';
import { createdAt, jifen } from './namespace.ts';

export interface Attachment {
  url: string;
  contentType?: string;
}

/** Every message a provider delivers, stored before the webhook answers (architecture: inbound first). */
export const inboundMessages = jifen.table('inbound_messages', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  channel: text('channel').notNull(),
  externalId: text('external_id').notNull(),
  sender: text('sender').notNull(),
  recipient: text('recipient'),
  text: text('text').notNull(),
  attachments: jsonb('attachments').$type<Attachment[]>().notNull().default([]),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  raw: jsonb('raw').notNull(),
  /** Set once the intake job is in the queue; the sweeper re-queues rows where it is still null. */
  queuedAt: timestamp('queued_at', { withTimezone: true }),
  processedAt: timestamp('processed_at', { withTimezone: true }),
  /** What became of the message (claim, review decision, unknown sender …). */
  outcome: text('outcome'),
}, (t) => [
  unique('inbound_channel_external_id').on(t.channel, t.externalId),
  index('inbound_unqueued').on(t.receivedAt).where(sql`queued_at is null`),
]);

export type OutboundStatus = 'pending' | 'sent' | 'delivered' | 'failed' | 'dry_run';

/** Every message jifen sends; the dedupe key makes each logical message exactly one row. */
export const outboundMessages = jifen.table('outbound_messages', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  dedupeKey: text('dedupe_key').notNull().unique(),
  channel: text('channel').notNull(),
  address: text('address').notNull(),
  /** Sender address for providers that need one (the village's SMS number). */
  sender: text('sender'),
  text: text('text').notNull(),
  status: text('status').$type<OutboundStatus>().notNull().default('pending'),
  providerId: text('provider_id'),
  error: text('error'),
  attempts: integer('attempts').notNull().default(0),
  createdAt: createdAt(),
  sentAt: timestamp('sent_at', { withTimezone: true }),
}, (t) => [index('outbound_address').on(t.address, t.createdAt), index('outbound_provider_id').on(t.providerId)]);

export type InboundMessage = typeof inboundMessages.$inferSelect;
export type OutboundMessage = typeof outboundMessages.$inferSelect;
