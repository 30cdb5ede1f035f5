import { eq, sql } from 'drizzle-orm';
import type { Context } from '../context.ts';
import { runInTransaction } from '../plans/runner.ts';
import { cadres, type Village } from '../db/schema/index.ts';
import { routeTo } from '../messages/addressing.ts';
import { queueMessages, type MessageToSend } from '../messages/outbound.ts';
import { smsSize } from '../messages/segments.ts';
import { textsOf } from '../village-texts.ts';
import { mondayOf, quietHoursDelayMs } from './calendar.ts';

/** Goods at or below this stock are reported as running low. */
export const LOW_STOCK_THRESHOLD = 5;

export interface CadreSummary {
  approved: number;
  rejected: number;
  /** Claims waiting for review now. */
  waiting: number;
  issued: number;
  redeemed: number;
  lowStock: { name: string; stock: number }[];
}

/** The village's week for its cadres, in one query. */
export async function cadreSummary(context: Context, village: Village, week: string): Promise<CadreSummary> {
  const monday = mondayOf(week);
  const starts = sql`(${monday}::date::timestamp at time zone ${village.timezone})`;
  const ends = sql`((${monday}::date + 7)::timestamp at time zone ${village.timezone})`;
  const result = await context.db.execute<Omit<CadreSummary, 'lowStock'> & { low_stock: { name: string; stock: number }[] | null }>(sql`
    select
      (select count(*)::int from jifen.claim_events ev join jifen.claims c on c.id = ev.claim_id
        where c.village_id = ${village.id} and ev.to_state = 'approved' and ev.created_at >= ${starts} and ev.created_at < ${ends}) as approved,
      (select count(*)::int from jifen.claim_events ev join jifen.claims c on c.id = ev.claim_id
        where c.village_id = ${village.id} and ev.to_state = 'rejected' and ev.created_at >= ${starts} and ev.created_at < ${ends}) as rejected,
      (select count(*)::int from jifen.claims where village_id = ${village.id} and state = 'awaiting_review') as waiting,
      (select coalesce(sum(case when t.kind = 'award' then e.amount else 0 end), 0)::int as issued from jifen.accounts a
        join jifen.ledger_entries e on e.account_id = a.id join jifen.ledger_transactions t on t.id = e.transaction_id
        where a.village_id = ${village.id} and a.kind = 'household' and t.created_at >= ${starts} and t.created_at < ${ends}) as issued,
      (select coalesce(sum(case when t.kind = 'redemption' then -e.amount else 0 end), 0)::int from jifen.accounts a
        join jifen.ledger_entries e on e.account_id = a.id join jifen.ledger_transactions t on t.id = e.transaction_id
        where a.village_id = ${village.id} and a.kind = 'household' and t.created_at >= ${starts} and t.created_at < ${ends}) as redeemed,
      (select json_agg(json_build_object('name', name, 'stock', stock) order by stock, code) from jifen.catalogue_items
        where village_id = ${village.id} and stock is not null and stock <= ${LOW_STOCK_THRESHOLD}) as low_stock`);
  const { low_stock: lowStock, ...counts } = result.rows[0]!;
  return { ...counts, lowStock: lowStock ?? [] };
}

/** The summary as one SMS segment: as many low-stock goods as fit, then "等N种". */
export function cadreSummaryText(village: Village, summary: CadreSummary): string {
  const texts = textsOf(village);
  const render = (shown: number) => {
    const names = summary.lowStock.slice(0, shown).map((item) => texts.weekly.lowStockItem(item.name, item.stock));
    const rest = summary.lowStock.length - shown;
    const list = names.join('、') + (rest > 0 ? texts.weekly.more(rest) : '');
    return texts.weekly.cadreSummary(village.name, summary.approved, summary.rejected, summary.waiting, summary.issued, summary.redeemed, list);
  };
  for (let shown = summary.lowStock.length; shown > 0; shown--) {
    const text = render(shown);
    if (smsSize(text).segments === 1) return text;
  }
  return render(0);
}

/** Sends every cadre of the village the week's summary, once per cadre and week, in one transaction with its send order. */
export function notifyCadres(context: Context, village: Village, week: string, options: { now: Date; dryRun?: boolean }): Promise<number> {
  return runInTransaction(context, (tx) => summariseForCadres(tx, village, week, options), `weekly-cadres:${village.code}:${week}`);
}

async function summariseForCadres(context: Context, village: Village, week: string, options: { now: Date; dryRun?: boolean }): Promise<number> {
  const summary = await cadreSummary(context, village, week);
  const text = cadreSummaryText(village, summary);
  const list = await context.db.select().from(cadres).where(eq(cadres.villageId, village.id));
  const messages: MessageToSend[] = list.map((cadre) => ({
    dedupeKey: `weekly-cadre-${cadre.id}-${week}`, ...routeTo(context, cadre)!, text, sender: village.settings.smsSenderNumber,
    kind: 'weekly_cadre_summary',
    params: { week, approved: String(summary.approved), rejected: String(summary.rejected), waiting: String(summary.waiting), issued: String(summary.issued), redeemed: String(summary.redeemed) },
  }));
  const delayMs = quietHoursDelayMs(options.now, village.timezone, village.settings.quietHours);
  if (!options.dryRun) await queueMessages(context, messages, { delayMs });
  return messages.length;
}
