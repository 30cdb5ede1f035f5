import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import type { Context } from '../context.ts';
import { checkinEvents, claimEvents, claims, villages } from '../db/schema/index.ts';
import type { PipelineJob } from '../queue/jobs.ts';
import { currentRound } from '../reviews/rounds.ts';

const LIMIT = 500;

/**
 * The delayed jobs whose time has come, found from PostgreSQL rather than trusted to the queue
 * (a Redis that lost its data loses its delayed jobs): check-ins past their window still open, and
 * claims whose publicity (公示) days have passed still in publicity. Each job is safe to run twice:
 * a check-in closes once, a claim posts once.
 */
export async function overdueDelayedJobs(context: Context, before: Date): Promise<PipelineJob[]> {
  const checkins = await context.db.select({ id: checkinEvents.id }).from(checkinEvents)
    .where(and(isNull(checkinEvents.closedAt), lt(checkinEvents.closesAt, before))).orderBy(checkinEvents.id).limit(LIMIT);
  // publicityEnd (src/reviews/policy.ts): the latest start of publicity plus the village's days of 24 hours.
  const publicity = await context.db.select({ id: claims.id }).from(claims).innerJoin(villages, eq(villages.id, claims.villageId))
    .where(and(eq(claims.state, 'publicity'), sql`(select max(${claimEvents.at}) from ${claimEvents}
      where ${claimEvents.claimId} = ${claims.id} and ${claimEvents.toState} = 'publicity')
      + make_interval(hours => 24 * coalesce((${villages.settings}->>'publicityDays')::int, 0)) < ${before}`))
    .orderBy(claims.id).limit(LIMIT);
  const ended: PipelineJob[] = [];
  for (const { id } of publicity) ended.push({ name: 'publicity-end', data: { claimId: id, round: (await currentRound(context.db, id))?.round ?? 0 } });
  return [...checkins.map(({ id }): PipelineJob => ({ name: 'checkin-close', data: { checkinId: id } })), ...ended];
}
