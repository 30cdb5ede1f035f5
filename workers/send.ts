import { and, eq, sql } from 'drizzle-orm';
import { UnrecoverableError, type Job } from 'bullmq';
import { PermanentSendError } from '../channels/types.ts';
import { senderOf, type Context } from '../src/context.ts';
import { outboundMessages } from '../src/db/schema/index.ts';
import { applyUnmatchedReports } from '../src/messages/delivery-reports.ts';
import { queueFallback } from '../src/messages/outbound.ts';
import { isFinalFailure } from './failures.ts';
import type { Stage } from './stage.ts';
import type { OutboundJob } from '../src/queue/jobs.ts';

/**
 * Hands one recorded message to its channel. Passing provider trouble is retried with backoff
 * by BullMQ; a refusal fails the message for good. Without credentials the message is kept as dry_run.
 */
export const send: Stage<OutboundJob> = async (context, { outboundId }) => {
  // Counting the attempt and claiming the message is one statement: no row means already sent.
  const [message] = await context.db.update(outboundMessages).set({ attempts: sql`${outboundMessages.attempts} + 1` })
    .where(and(eq(outboundMessages.id, outboundId), eq(outboundMessages.status, 'pending'))).returning();
  if (!message) return;
  const adapter = senderOf(context, message.channel);
  try {
    const result = await adapter.send!({
      to: message.address, text: message.text, from: message.sender ?? undefined, kind: message.kind ?? undefined, params: message.params ?? undefined,
    });
    if (result.status === 'dry_run') {
      context.log.info({ channel: message.channel, to: message.address, text: message.text }, '[dry-run] message recorded, not sent (no provider credentials)');
      await context.db.update(outboundMessages).set({ status: 'dry_run' }).where(eq(outboundMessages.id, outboundId));
    } else {
      await context.db.update(outboundMessages).set({ status: 'sent', providerId: result.providerId, sentAt: new Date(), error: null })
        .where(eq(outboundMessages.id, outboundId));
      await applyUnmatchedReports(context, result.providerId);
    }
  } catch (error) {
    if (error instanceof PermanentSendError) {
      // Marked here, not only on the worker's failed event: that event is lost if the process dies first.
      await markFailed(context, outboundId, error.message);
      throw new UnrecoverableError(error.message);
    }
    await context.db.update(outboundMessages).set({ error: (error as Error).message }).where(eq(outboundMessages.id, outboundId));
    throw error;
  }
};

/** Fails the message for good and sends it on its fallback channel, if it has one. */
async function markFailed(context: Context, outboundId: number, error: string) {
  const [failed] = await context.db.update(outboundMessages).set({ status: 'failed', error }).where(eq(outboundMessages.id, outboundId)).returning();
  if (failed) await queueFallback(context, failed);
}

/** After the last retry, the message is failed, not left pending. */
export async function onSendExhausted(context: Context, job: Job | undefined, error: Error): Promise<void> {
  if (!job || !isFinalFailure(job, error)) return;
  await markFailed(context, (job.data as OutboundJob['data']).outboundId, error.message);
}
