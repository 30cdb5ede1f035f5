import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import type { Context } from '../src/context.ts';
import { sleep, stats } from './util.ts';

/**
 * Open-loop load: offers item i at start + i / rate, whether or not the earlier ones were answered
 * (a closed loop waits for answers, so it can never show the queueing delay a fixed rate builds up).
 */
export async function offerAtRate<T>(items: T[], ratePerS: number, offer: (item: T) => Promise<void>): Promise<void> {
  const started = performance.now();
  const offered: Promise<void>[] = [];
  for (const [index, item] of items.entries()) {
    const wait = started + (index * 1000) / ratePerS - performance.now();
    if (wait > 0) await sleep(wait);
    offered.push(offer(item));
  }
  await Promise.all(offered);
}

export interface StoredToReview {
  /** Claims whose review request to the cadre was sent. */
  n: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

/**
 * From each villager's message stored (the webhook's row) to the review request sent to the cadre
 * (the provider accepted it), over every claim of the run, from the database's own timestamps.
 */
export async function storedToReview(context: Context, cadrePhone: string): Promise<StoredToReview> {
  const result = await context.db.execute<{ ms: number }>(sql`
    select (extract(epoch from review.sent_at - source.received_at) * 1000)::float8 as ms
      from jifen.claims c
      join jifen.inbound_messages source on source.id = c.source_message_id
      join jifen.cadres cadre on cadre.phone = ${cadrePhone}
      join jifen.outbound_messages review on review.dedupe_key = 'claim-' || c.id || '-review-' || cadre.id
     where review.sent_at is not null`);
  const { n, p50, p95, max } = stats(result.rows.map((row) => Number(row.ms)));
  return { n, p50Ms: p50, p95Ms: p95, maxMs: max };
}
