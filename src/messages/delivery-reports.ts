import { and, eq, inArray } from 'drizzle-orm';
import type { DeliveryStatus } from '../../channels/types.ts';
import type { Context } from '../context.ts';
import { outboundMessages, unmatchedDeliveryReports, type OutboundStatus } from '../db/schema/index.ts';

/** The statuses a report may replace: a late "sent" never overwrites "delivered" or "failed". */
const REPLACEABLE: Record<DeliveryStatus, OutboundStatus[]> = {
  sent: ['pending', 'sent'],
  delivered: ['pending', 'sent', 'delivered'],
  failed: ['pending', 'sent', 'delivered'],
};

/** Applies a report to the message sent with that provider id; true when there is one. */
async function applyReport(context: Context, providerId: string, status: DeliveryStatus, error: string | null): Promise<boolean> {
  const [matched] = await context.db.select({ id: outboundMessages.id }).from(outboundMessages)
    .where(eq(outboundMessages.providerId, providerId)).limit(1);
  if (!matched) return false;
  await context.db.update(outboundMessages).set({ status, error })
    .where(and(eq(outboundMessages.providerId, providerId), inArray(outboundMessages.status, REPLACEABLE[status])));
  return true;
}

/**
 * A provider's delivery report. One that arrives before the send worker has stored the provider
 * id is kept and applied when it is (applyUnmatchedReports). Kept first, then tried once more:
 * whichever order this and the send worker run in, one of them applies it, none loses it.
 */
export async function recordDelivery(context: Context, providerId: string, status: DeliveryStatus, error?: string): Promise<void> {
  if (await applyReport(context, providerId, status, error ?? null)) return;
  const [kept] = await context.db.insert(unmatchedDeliveryReports).values({ providerId, status, error: error ?? null })
    .returning({ id: unmatchedDeliveryReports.id });
  if (await applyReport(context, providerId, status, error ?? null)) {
    await context.db.delete(unmatchedDeliveryReports).where(eq(unmatchedDeliveryReports.id, kept!.id));
  }
}

/** A delivery report kept because it came before its message's provider id was stored. */
export interface UnmatchedReport {
  id: number;
  providerId: string;
  status: DeliveryStatus;
  error: string | null;
}

/**
 * Called by the send worker once it has stored messages' provider ids, with the reports it found
 * waiting for them (looked up in the statement that stored the ids): applies them, then deletes them.
 */
export async function applyUnmatchedReports(context: Context, reports: UnmatchedReport[]): Promise<void> {
  for (const report of reports) {
    // Applied before it is deleted: a crash in between leaves a report that applies twice, harmlessly.
    await applyReport(context, report.providerId, report.status, report.error);
    await context.db.delete(unmatchedDeliveryReports).where(eq(unmatchedDeliveryReports.id, report.id));
  }
}
