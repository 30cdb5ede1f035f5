import { and, eq, inArray, sql } from 'drizzle-orm';
import { UnrecoverableError, type Job } from 'bullmq';
import { PermanentSendError } from '../channels/types.ts';
import { senderOf, type Context } from '../src/context.ts';
import { outboundMessages } from '../src/db/schema/index.ts';
import { applyUnmatchedReports } from '../src/messages/delivery-reports.ts';
import { queueFallback } from '../src/messages/outbound.ts';
import { isFinalFailure } from '../src/queue/failures.ts';
import type { OutboundMessage } from '../src/db/schema/index.ts';
import type { OutboundJob } from '../src/queue/jobs.ts';

type SendData = Extract<OutboundJob, { name: 'send' }>['data'];
type BatchData = Extract<OutboundJob, { name: 'send-batch' }>['data'];

/**
 * Hands one recorded message to its channel. Passing provider trouble is retried with backoff
 * by BullMQ; a refusal fails the message for good. Without credentials the message is kept as dry_run.
 */
export async function send(context: Context, { outboundId }: SendData): Promise<void> {
  // Counting the attempt and claiming the message is one statement: no row means already sent.
  const [message] = await context.db.update(outboundMessages).set({ attempts: sql`${outboundMessages.attempts} + 1` })
    .where(and(eq(outboundMessages.id, outboundId), eq(outboundMessages.status, 'pending'))).returning();
  if (message) await recordHandedOver(context, [await handOver(context, message)]);
}

/** How many messages of a batch are handed to the provider at once, and recorded together after. */
const BATCH_PARALLEL = 16;

/**
 * Sends a batch of messages (the weekly fan-out): claimed in one statement, then handed to the
 * provider a group at a time, each group's outcome recorded in one statement. A refused message
 * fails alone; passing trouble retries the batch, whose messages already sent are no longer
 * pending and are skipped (a process killed mid-group may hand that group over once more).
 */
export async function sendBatch(context: Context, { outboundIds }: BatchData): Promise<void> {
  const claimed = await context.db.update(outboundMessages).set({ attempts: sql`${outboundMessages.attempts} + 1` })
    .where(and(inArray(outboundMessages.id, outboundIds), eq(outboundMessages.status, 'pending'))).returning();
  let retry: unknown;
  for (let i = 0; i < claimed.length; i += BATCH_PARALLEL) {
    const results = await Promise.allSettled(claimed.slice(i, i + BATCH_PARALLEL).map((message) => handOver(context, message)));
    await recordHandedOver(context, results.filter((r) => r.status === 'fulfilled').map((r) => r.value));
    retry ??= results.find((r): r is PromiseRejectedResult => r.status === 'rejected' && !(r.reason instanceof UnrecoverableError))?.reason;
  }
  if (retry) throw retry;
}

interface HandedOver { id: number; status: 'sent' | 'dry_run'; providerId: string | null }

/** Gives one claimed message to its provider; a failure is recorded on the message and thrown. */
async function handOver(context: Context, message: OutboundMessage): Promise<HandedOver> {
  const adapter = senderOf(context, message.channel);
  try {
    const result = await adapter.send!({
      to: message.address, text: message.text, from: message.sender ?? undefined, kind: message.kind ?? undefined, params: message.params ?? undefined,
    });
    if (result.status === 'dry_run') {
      context.log.info({ channel: message.channel, to: message.address, text: message.text }, '[dry-run] message recorded, not sent (no provider credentials)');
      return { id: message.id, status: 'dry_run', providerId: null };
    }
    return { id: message.id, status: 'sent', providerId: result.providerId ?? null };
  } catch (error) {
    if (error instanceof PermanentSendError) {
      // Marked here, not only on the worker's failed event: that event is lost if the process dies first.
      await markFailed(context, message.id, error.message);
      throw new UnrecoverableError(error.message);
    }
    await context.db.update(outboundMessages).set({ error: (error as Error).message }).where(eq(outboundMessages.id, message.id));
    throw error;
  }
}

/** Records what the providers took, in one statement, then any delivery report that came before. */
async function recordHandedOver(context: Context, handed: HandedOver[]): Promise<void> {
  if (handed.length === 0) return;
  await context.db.execute(sql`
    update jifen.outbound_messages o
    set status = h.status, provider_id = h."providerId", sent_at = case when h.status = 'sent' then now() end, error = null
    from jsonb_to_recordset(${JSON.stringify(handed)}::jsonb) as h(id bigint, status text, "providerId" text)
    where o.id = h.id`);
  await applyUnmatchedReports(context, handed.flatMap((h) => (h.providerId ? [h.providerId] : [])));
}

/** Fails the message for good and sends it on its fallback channel, if it has one. */
async function markFailed(context: Context, outboundId: number, error: string) {
  const [failed] = await context.db.update(outboundMessages).set({ status: 'failed', error }).where(eq(outboundMessages.id, outboundId)).returning();
  if (failed) await queueFallback(context, failed);
}

/** After the last retry, the message is failed, not left pending. */
export async function onSendExhausted(context: Context, job: Job | undefined, error: Error): Promise<void> {
  if (!job || !isFinalFailure(job, error)) return;
  const data = job.data as SendData | BatchData;
  const ids = 'outboundIds' in data ? data.outboundIds : [data.outboundId];
  // Only the batch's messages still pending failed; those sent before the trouble stay sent.
  const stillPending = await context.db.select({ id: outboundMessages.id }).from(outboundMessages)
    .where(and(inArray(outboundMessages.id, ids), eq(outboundMessages.status, 'pending')));
  for (const { id } of stillPending) await markFailed(context, id, error.message);
}
