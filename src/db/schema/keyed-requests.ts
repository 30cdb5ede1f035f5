import { jsonb, text } from 'drizzle-orm/pg-core';
import { createdAt, jifen } from './namespace.ts';

/**
 * One row per keyed request an API or CLI caller made (an idempotency key): the hash of what was
 * asked and the answer given, so a retry gets the same answer and a reuse for something else is refused.
 */
export const keyedRequests = jifen.table('keyed_requests', {
  /** The caller's key, prefixed with what it names (redemption-api-…). */
  key: text('key').primaryKey(),
  requestHash: text('request_hash').notNull(),
  /** Written in the same transaction as the key, so no other request ever reads it empty. */
  response: jsonb('response'),
  createdAt: createdAt(),
});
