import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db, Transaction } from './db/database.ts';
import { keyedRequests } from './db/schema/index.ts';

/** The key was used before for a different request: nothing was recorded for this one. */
export class IdempotencyConflictError extends Error {
  readonly code = 'idempotency_conflict';
  constructor(readonly key: string) {
    super(`the key ${key} was already used for a different request`);
  }
}

export interface KeyedResponse<T> {
  response: T;
  /** True when this is the answer a first request with the same key and content got. */
  replayed: boolean;
}

export interface KeyedAction<T> {
  /** Does the request's work in the transaction that holds the key. */
  run(tx: Transaction): Promise<T>;
  /** False for an answer that recorded nothing (a refusal): the key is released so a retry asks afresh. */
  keep(response: T): boolean;
}

/** A stable digest of the request's content: the same fields in any order hash alike. */
export function requestHash(request: unknown): string {
  const canonical = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(canonical);
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, canonical(v)]));
    }
    return value;
  };
  return createHash('sha256').update(JSON.stringify(canonical(request))).digest('hex');
}

class Released<T> {
  constructor(readonly response: T) {}
}

/**
 * Answers a keyed request (an idempotency key) once. The key is claimed first, in the transaction
 * that does the work and stores the answer, so concurrent requests with one key wait on the
 * first's row and then read its answer: same key and same content replay it, same key and other
 * content throw IdempotencyConflictError. An answer `keep` refuses is rolled back with the key.
 */
export async function answerOnce<T>(db: Db, key: string, request: unknown, action: KeyedAction<T>): Promise<KeyedResponse<T>> {
  const hash = requestHash(request);
  try {
    return await db.transaction(async (tx) => {
      const [claimed] = await tx.insert(keyedRequests).values({ key, requestHash: hash })
        .onConflictDoNothing({ target: keyedRequests.key }).returning({ key: keyedRequests.key });
      if (!claimed) return earlierAnswer<T>(tx, key, hash);
      const response = await action.run(tx);
      if (!action.keep(response)) throw new Released(response);
      await tx.update(keyedRequests).set({ response }).where(eq(keyedRequests.key, key));
      return { response, replayed: false };
    });
  } catch (error) {
    if (error instanceof Released) return { response: error.response as T, replayed: false };
    throw error;
  }
}

async function earlierAnswer<T>(tx: Transaction, key: string, hash: string): Promise<KeyedResponse<T>> {
  const [earlier] = await tx.select().from(keyedRequests).where(eq(keyedRequests.key, key));
  if (earlier!.requestHash !== hash) throw new IdempotencyConflictError(key);
  return { response: earlier!.response as T, replayed: true };
}
