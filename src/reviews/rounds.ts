import { and, asc, desc, eq, ne } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { claimEvents } from '../db/schema/index.ts';

export interface ReviewRound {
  /** 0 for the first review; one more for each objection during publicity that sent the claim back. */
  round: number;
  /** When the claim entered review in this round. */
  since: Date;
  /** The objection that began this round, if one did. */
  objection?: string;
}

/** The review round a claim awaiting review is in, from its events (votes stay within a round). */
export async function currentRound(db: Executor, claimId: number): Promise<ReviewRound | undefined> {
  const entries = await db.select({ fromState: claimEvents.fromState, reason: claimEvents.reason, at: claimEvents.at }).from(claimEvents)
    .where(and(eq(claimEvents.claimId, claimId), eq(claimEvents.toState, 'awaiting_review'), ne(claimEvents.fromState, 'awaiting_review')))
    .orderBy(asc(claimEvents.id));
  const last = entries.at(-1);
  if (!last) return undefined;
  const round = entries.filter((entry) => entry.fromState === 'publicity').length;
  return { round, since: last.at, objection: last.fromState === 'publicity' ? last.reason ?? undefined : undefined };
}

/** When the claim's latest publicity began. */
export async function publicitySince(db: Executor, claimId: number): Promise<Date | undefined> {
  const [row] = await db.select({ at: claimEvents.at }).from(claimEvents)
    .where(and(eq(claimEvents.claimId, claimId), eq(claimEvents.toState, 'publicity'))).orderBy(desc(claimEvents.id)).limit(1);
  return row?.at;
}
