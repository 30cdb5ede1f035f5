import { index, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { jifen } from './namespace.ts';

/**
 * Nonces of signed requests seen within the replay window (a WeChat plaintext message's timestamp
 * and nonce): the second use of one is a replay. Kept in the database so every server process sees them.
 */
export const replayNonces = jifen.table('replay_nonces', {
  provider: text('provider').notNull(),
  nonce: text('nonce').notNull(),
  /** After this the request's timestamp is out of the window anyway: the row may go. */
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
}, (t) => [primaryKey({ columns: [t.provider, t.nonce] }), index('replay_nonces_expiry').on(t.expiresAt)]);
