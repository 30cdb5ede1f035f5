import { and, eq, lt, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { replayNonces } from '../db/schema/index.ts';

/**
 * Takes a signed request's nonce for `provider` until `expiresAt`: true the first time, false for a
 * replay within the window. One statement, so two processes racing with the same nonce cannot both win;
 * an expired row is taken over, and the expired rows of the provider are cleared as it goes.
 */
export async function claimNonce(db: Executor, provider: string, nonce: string, expiresAt: Date): Promise<boolean> {
  await db.delete(replayNonces).where(and(eq(replayNonces.provider, provider), lt(replayNonces.expiresAt, sql`now()`)));
  const taken = await db.insert(replayNonces).values({ provider, nonce, expiresAt })
    .onConflictDoUpdate({ target: [replayNonces.provider, replayNonces.nonce], set: { expiresAt }, setWhere: lt(replayNonces.expiresAt, sql`now()`) })
    .returning({ nonce: replayNonces.nonce });
  return taken.length === 1;
}

/** Gives a nonce back when its request failed on our side (a 5xx): the provider's retry carries the same one. */
export async function releaseNonce(db: Executor, provider: string, nonce: string): Promise<void> {
  await db.delete(replayNonces).where(and(eq(replayNonces.provider, provider), eq(replayNonces.nonce, nonce)));
}
