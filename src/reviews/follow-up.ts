import { and, eq, like } from 'drizzle-orm';
import { loadClaim } from '../claims/claims.ts';
import type { Context } from '../context.ts';
import { claims, outboundMessages, villages } from '../db/schema/index.ts';
import { textsOf } from '../village-texts.ts';
import { reviewDelays } from './policy.ts';
import { writeToReviewers, type RequestTopic } from './requests.ts';
import { reviewersOf } from './reviewers.ts';
import { currentRound } from './rounds.ts';

/** Was this claim's reminder (or escalation) of this round written already? */
async function alreadyWritten(context: Context, claimId: number, key: string): Promise<boolean> {
  const [row] = await context.db.select({ id: outboundMessages.id }).from(outboundMessages)
    .where(like(outboundMessages.dedupeKey, `claim-${claimId}-${key}-%`)).limit(1);
  return row !== undefined;
}

/** remind (催审): the first reviewers who have not decided; escalate: every approver who may decide it. */
async function followUp(context: Context, claimId: number, round: number, topic: Extract<RequestTopic, 'remind' | 'escalate'>) {
  if (await alreadyWritten(context, claimId, round === 0 ? topic : `${topic}-round-${round}`)) return;
  const loaded = (await loadClaim(context.db, claimId))!;
  const { claim, rule, household, village } = loaded;
  const delays = reviewDelays(village);
  const [text, hours, audience] = topic === 'remind'
    ? [textsOf(village).review.reminder, delays.remindAfterHours, 'first' as const]
    : [textsOf(village).review.escalated, delays.escalateAfterHours, 'all' as const];
  const reviewers = await reviewersOf(context.db, loaded, round, audience);
  await writeToReviewers(context, loaded, reviewers, topic, round, text(village.name, claim.reference!, household.code, household.head, rule.name, claim.points!, hours));
}

/**
 * The village's periodic review follow-up (one job scheduler per village, not two delayed jobs per
 * claim): each claim waiting past the village's hours in its review round is reminded, then
 * escalated, once each. Returns how many claims it looked at.
 */
export async function followUpOverdue(context: Context, villageId: number, now: Date): Promise<number> {
  const [village] = await context.db.select().from(villages).where(eq(villages.id, villageId));
  if (!village) return 0;
  const { remindMs, escalateMs } = reviewDelays(village);
  const waiting = await context.db.select({ id: claims.id }).from(claims)
    .where(and(eq(claims.villageId, villageId), eq(claims.state, 'awaiting_review'))).orderBy(claims.id);
  for (const { id } of waiting) {
    const review = await currentRound(context.db, id);
    if (!review) continue;
    const waited = now.getTime() - review.since.getTime();
    if (waited >= remindMs) await followUp(context, id, review.round, 'remind');
    if (waited >= escalateMs) await followUp(context, id, review.round, 'escalate');
  }
  return waiting.length;
}
