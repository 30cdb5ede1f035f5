import { bigserial, index, text, timestamp } from 'drizzle-orm/pg-core';
import type { DeliveryStatus } from '../../../channels/types.ts';
import { jifen } from './namespace.ts';

/**
 * A provider's delivery report that matched no message yet: it can arrive before the send worker
 * has stored the provider id the provider answered with. The send worker applies it once it has.
 */
export const unmatchedDeliveryReports = jifen.table('unmatched_delivery_reports', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  providerId: text('provider_id').notNull(),
  status: text('status').$type<DeliveryStatus>().notNull(),
  error: text('error'),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [index('unmatched_delivery_reports_provider_id').on(t.providerId)]);

export type UnmatchedDeliveryReport = typeof unmatchedDeliveryReports.$inferSelect;
