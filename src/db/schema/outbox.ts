import { bigserial, index, integer, jsonb, text } from 'drizzle-orm/pg-core';
import { createdAt, jifen } from './namespace.ts';

/** pipeline: a stage job; send: an order to send recorded messages; weekly: a weekly job. */
export type OutboxKind = 'pipeline' | 'send' | 'weekly';

/**
 * The transactional outbox: the jobs a transaction wants queued, written in that transaction.
 * After commit the relay adds them to the queue (deterministic job ids) and deletes the rows;
 * rows a crash left behind are relayed by the sweeper.
 */
export const outbox = jifen.table('outbox', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  kind: text('kind').$type<OutboxKind>().notNull(),
  /** The job (pipeline, weekly) or the send order, as the queue client takes it. */
  payload: jsonb('payload').notNull(),
  /** How long after it was written the job is due (the end of publicity, quiet hours); 0: at once. */
  delayMs: integer('delay_ms').notNull().default(0),
  createdAt: createdAt(),
}, (t) => [index('outbox_created').on(t.createdAt)]);

export type OutboxRow = typeof outbox.$inferSelect;
