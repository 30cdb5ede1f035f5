import { bigint, bigserial, integer, text, unique } from 'drizzle-orm/pg-core';
import { claims } from './claims.ts';
import { inboundMessages } from './messages.ts';
import { createdAt, jifen } from './namespace.ts';
import { cadres } from './villages.ts';

/**
 * Approvals of claims that need two different approvers (两人审核): one row per claim, cadre and
 * review round (a publicity objection starts a new round), so the same cadre never counts twice.
 */
export const reviewApprovals = jifen.table('review_approvals', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  claimId: bigint('claim_id', { mode: 'number' }).notNull().references(() => claims.id),
  cadreId: integer('cadre_id').notNull().references(() => cadres.id),
  round: integer('round').notNull(),
  channel: text('channel'),
  messageId: bigint('message_id', { mode: 'number' }).references(() => inboundMessages.id),
  at: createdAt(),
}, (t) => [unique('review_approvals_once').on(t.claimId, t.cadreId, t.round)]);

export type ReviewApproval = typeof reviewApprovals.$inferSelect;
