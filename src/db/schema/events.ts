import { bigint, jsonb, text } from 'drizzle-orm/pg-core';
import { createdAt } from './namespace.ts';
import { inboundMessages } from './messages.ts';

/** The columns every audit trail (claim_events, deduction_events) shares: who, which channel, which message, why, when. */
export const eventColumns = () => ({
  actor: text('actor').notNull(),
  channel: text('channel'),
  /** The inbound message that caused the transition (a cadre's reply, a villager's claim). */
  messageId: bigint('message_id', { mode: 'number' }).references(() => inboundMessages.id),
  reason: text('reason'),
  detail: jsonb('detail'),
  at: createdAt(),
});
