import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, integer, jsonb, primaryKey, text, timestamp, unique, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt, jifen } from './namespace.ts';
import { members } from './villages.ts';

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
  /** When its text, attachments (photos, recordings) and sender were erased: by the retention job or a member forgotten. */
  erasedAt: timestamp('erased_at', { withTimezone: true }),
}, (t) => [
  unique('inbound_channel_external_id').on(t.channel, t.externalId),
  // The retention job's look for messages not yet erased, oldest first.
  index('inbound_not_erased').on(t.receivedAt).where(sql`erased_at is null`),
  index('inbound_unqueued').on(t.receivedAt).where(sql`queued_at is null`),
  // The sweeper's look for messages queued but never processed.
  index('inbound_unprocessed').on(t.queuedAt).where(sql`processed_at is null`),
]);

/** opted_out: a non-essential message to an address that sent TD/退订, recorded and never sent. */
export type OutboundStatus = 'pending' | 'sent' | 'delivered' | 'failed' | 'dry_run' | 'opted_out';

/** Every message jifen sends; the dedupe key makes each logical message exactly one row. */
export const outboundMessages = jifen.table('outbound_messages', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  dedupeKey: text('dedupe_key').notNull().unique(),
  channel: text('channel').notNull(),
  address: text('address').notNull(),
  /** Sender address for providers that need one (the village's SMS number). */
  sender: text('sender'),
  text: text('text').notNull(),
  /** What kind of message it is and its values, for providers that send only approved templates. */
  kind: text('kind'),
  params: jsonb('params').$type<Record<string, string>>(),
  /** For a passive reply (QQ): the provider id and time of the message it answers, and its number among the answers to it. */
  replyTo: jsonb('reply_to').$type<{ id: string; at: string; seq: number }>(),
  /** SMS segments the text takes (what an SMS costs); null on channels that do not count them. */
  segments: integer('segments'),
  /** Where to send the same text if this channel refuses it for good (WeChat → the member's phone). */
  fallbackChannel: text('fallback_channel'),
  fallbackAddress: text('fallback_address'),
  /** The fallback's own text when it is not the same (the SMS form of a WeChat weekly message). */
  fallbackText: text('fallback_text'),
  status: text('status').$type<OutboundStatus>().notNull().default('pending'),
  providerId: text('provider_id'),
  error: text('error'),
  attempts: integer('attempts').notNull().default(0),
  createdAt: createdAt(),
  sentAt: timestamp('sent_at', { withTimezone: true }),
}, (t) => [
  index('outbound_address').on(t.address, t.createdAt), index('outbound_provider_id').on(t.providerId),
  // The sweeper's look for messages recorded and never sent.
  index('outbound_pending').on(t.createdAt).where(sql`status = 'pending'`),
  index('outbound_reply_to').on(sql`(${t.replyTo}->>'id')`).where(sql`${t.replyTo} is not null`),
]);

export type InboundMessage = typeof inboundMessages.$inferSelect;
export type OutboundMessage = typeof outboundMessages.$inferSelect;

/**
 * A question jifen asked a villager and waits for the answer to: which item of a menu
 * (choose_item), or the detail an item's evidence needs (evidence). At most one is open per member.
 */
export const conversations = jifen.table('conversations', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  memberId: integer('member_id').notNull().references(() => members.id),
  kind: text('kind', { enum: ['choose_item', 'evidence'] }).notNull(),
  /** The message that raised the question; its text is what the answer completes. */
  messageId: bigint('message_id', { mode: 'number' }).notNull().references(() => inboundMessages.id),
  /** Rule codes: the menu's items in order, or the item that needs its evidence. */
  options: text('options').array().notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  /** The message that answered or dropped the question. */
  closedBy: bigint('closed_by', { mode: 'number' }).references(() => inboundMessages.id),
  createdAt: createdAt(),
}, (t) => [
  uniqueIndex('conversations_one_open').on(t.memberId).where(sql`closed_by is null`),
  unique('conversations_message').on(t.messageId),
]);

/** Addresses that sent TD/退订: they get nothing but answers to their own messages until they send 订阅. */
export const optOuts = jifen.table('opt_outs', {
  channel: text('channel').notNull(),
  address: text('address').notNull(),
  /** The message that opted out (its confirmation is sent once). */
  messageId: bigint('message_id', { mode: 'number' }).notNull().references(() => inboundMessages.id),
  at: createdAt(),
}, (t) => [primaryKey({ columns: [t.channel, t.address] })]);

export type Conversation = typeof conversations.$inferSelect;

/**
 * A WeChat or QQ user proving they own a registered phone number: jifen texts a 6-digit code to
 * the number, and the code sent back on that channel binds the address to that member (or cadre).
 */
export const wechatBindings = jifen.table('wechat_bindings', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  /** wechat | qq: the channel whose address is bound. */
  channel: text('channel').notNull().default('wechat'),
  /** The WeChat id or QQ address being bound (the column is named from before QQ). */
  address: text('wechat_id').notNull(),
  phone: text('phone').notNull(),
  code: text('code').notNull(),
  /** The WeChat message that asked for the code. */
  messageId: bigint('message_id', { mode: 'number' }).notNull().unique().references(() => inboundMessages.id),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  attempts: integer('attempts').notNull().default(0),
  /** The message whose code bound the id. */
  boundBy: bigint('bound_by', { mode: 'number' }).references(() => inboundMessages.id),
  createdAt: createdAt(),
}, (t) => [index('wechat_bindings_wechat_id').on(t.address, t.createdAt)]);

export type WechatBinding = typeof wechatBindings.$inferSelect;
