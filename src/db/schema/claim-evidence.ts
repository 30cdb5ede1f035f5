import { bigint, index, primaryKey } from 'drizzle-orm/pg-core';
import { claims } from './claims.ts';
import { inboundMessages } from './messages.ts';
import { createdAt, jifen } from './namespace.ts';

/**
 * A message that is evidence for a claim besides the one that made it: a photo the villager sent
 * on its own shortly before the words (on WeChat people often send the picture first).
 */
export const claimEvidence = jifen.table('claim_evidence', {
  claimId: bigint('claim_id', { mode: 'number' }).notNull().references(() => claims.id),
  messageId: bigint('message_id', { mode: 'number' }).notNull().references(() => inboundMessages.id),
  createdAt: createdAt(),
}, (t) => [primaryKey({ columns: [t.claimId, t.messageId] }), index('claim_evidence_message').on(t.messageId)]);

export type ClaimEvidence = typeof claimEvidence.$inferSelect;
