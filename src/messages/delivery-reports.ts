import { and, asc, eq, inArray } from 'drizzle-orm';
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

/** Called by the send worker once it has stored messages' provider ids: applies the reports that came first. */
export async function applyUnmatchedReports(context: Context, providerIds: string[]): Promise<void> {
  if (providerIds.length === 0) return;
  const reports = await context.db.select().from(unmatchedDeliveryReports)
    .where(inArray(unmatchedDeliveryReports.providerId, providerIds)).orderBy(asc(unmatchedDeliveryReports.id));
  for (const report of reports) {
    // Applied before it is deleted: a crash in between leaves a report that applies twice, harmlessly.
    await applyReport(context, report.providerId, report.status, report.error);
    await context.db.delete(unmatchedDeliveryReports).where(eq(unmatchedDeliveryReports.id, report.id));
  }
}
