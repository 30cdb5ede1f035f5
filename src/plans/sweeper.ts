import { and, eq, inArray, isNotNull, isNull, lt, ne, notLike, sql } from 'drizzle-orm';
import type { Context } from '../context.ts';
import { claimEvents, claims, inboundMessages, outboundMessages } from '../db/schema/index.ts';
import { sweepUnqueued } from '../messages/inbound.ts';
import { outboundChannel } from '../queue/jobs-client.ts';
import type { PipelineJob } from '../queue/jobs.ts';
import { relayLeftovers } from './outbox.ts';
import { overdueDelayedJobs } from './overdue.ts';

/** How long a record may stay unfinished before the sweeper queues it again (its job may still be waiting). */
export const STALE_MS = 60_000;
const LIMIT = 500;

export interface Swept {
  relayed: number;
  unqueued: number;
  messages: number;
  claims: number;
  sends: number;
  /** Delayed jobs past their time found in PostgreSQL: check-ins to close, publicity to end. */
  overdue: number;
}

/** Claims stuck in a state the system moves on by itself, and the job that moves each on. */
async function stuckClaims(context: Context, before: Date): Promise<PipelineJob[]> {
  const rows = await context.db.select({ id: claims.id, state: claims.state }).from(claims)
    .where(and(inArray(claims.state, ['understood', 'validated', 'scored', 'approved']), lt(claims.claimedAt, before),
      // the last move was long enough ago: a claim approved a minute ago by a running job is not stuck
      sql`not exists (select 1 from ${claimEvents} where ${claimEvents.claimId} = ${claims.id} and ${claimEvents.at} >= ${before})`))
    .orderBy(claims.id).limit(LIMIT);
  return rows.map(({ id, state }): PipelineJob => (state === 'approved' ? { name: 'post', data: { claimId: id } } : { name: 'advance-claim', data: { claimId: id } }));
}

/**
 * Finds every unfinished record in PostgreSQL, the source of truth, and queues it again; job ids
 * are deterministic, so what is still queued is not queued twice. Covers what a crash left in the
 * outbox, messages never queued, messages queued but never processed (a queue that lost its data),
 * claims stuck short of review or posting, delayed work past its time (check-ins to close,
 * publicity to end) and recorded messages never sent.
 */
export async function sweep(context: Context, now = new Date()): Promise<Swept> {
  const before = new Date(now.getTime() - STALE_MS);
  const relayed = await relayLeftovers(context);
  const unqueued = await sweepUnqueued(context);
  const messages = await context.db.select({ id: inboundMessages.id }).from(inboundMessages)
    .where(and(isNull(inboundMessages.processedAt), isNotNull(inboundMessages.queuedAt), lt(inboundMessages.queuedAt, before)))
    .orderBy(inboundMessages.id).limit(LIMIT);
  const stuck = await stuckClaims(context, before);
  const overdue = await overdueDelayedJobs(context, before);
  // Weekly messages and announcements wait out quiet hours in delayed jobs: they are not re-sent early here.
  const unsent = await context.db.select({ id: outboundMessages.id, channel: outboundMessages.channel }).from(outboundMessages)
    .where(and(eq(outboundMessages.status, 'pending'), lt(outboundMessages.createdAt, before),
      notLike(sql`coalesce(${outboundMessages.kind}, '')`, 'weekly%'), ne(sql`coalesce(${outboundMessages.kind}, '')`, 'announcement')))
    .orderBy(outboundMessages.id).limit(LIMIT);
  for (const { id } of messages) await context.jobs.enqueue({ name: 'intake', data: { messageId: id } });
  for (const job of [...stuck, ...overdue]) await context.jobs.enqueue(job);
  for (const { id, channel } of unsent) await context.jobs.send({ channel: outboundChannel(channel), outboundIds: [id] });
  return { relayed, unqueued, messages: messages.length, claims: stuck.length, sends: unsent.length, overdue: overdue.length };
}
