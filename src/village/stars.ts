import { sql } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import type { Village } from '../db/schema/index.ts';

export interface StarHousehold {
  code: string;
  head: string;
  /** Net points of the rule's period (awards minus deductions), or the lifetime total for per: all. */
  points: number;
  stars: number;
}

/** The most star households a page lists. */
const STAR_LIMIT = 20;

/** How many thresholds (ascending) the points reach. */
export const starsFor = (points: number, thresholds: readonly number[]) => thresholds.filter((min) => points >= min).length;

/**
 * The village's star households (星级文明户) at `at` by its rule (village file `stars:`): one star per
 * threshold reached by the household's net points of the calendar year or month in village time
 * (entries that count toward the lifetime total, reversals included), or by the lifetime total.
 * No rule: no stars.
 */
export async function starHouseholds(db: Executor, village: Village, at: Date): Promise<StarHousehold[]> {
  const rule = village.settings.stars;
  if (!rule) return [];
  const lowest = Math.min(...rule.thresholds);
  const points = rule.per === 'all'
    ? sql`a.lifetime_earned`
    : sql`(select coalesce(sum(le.amount), 0) from jifen.ledger_entries le join jifen.ledger_transactions t on t.id = le.transaction_id
        where le.account_id = a.id and t.affects_lifetime
          and t.created_at >= date_trunc(${rule.per}, ${at}::timestamptz at time zone ${village.timezone}) at time zone ${village.timezone}
          and t.created_at <= ${at})`;
  const { rows } = await db.execute<{ code: string; head: string; points: number }>(sql`
    select * from (select h.code, h.head, (${points})::int as points from jifen.households h join jifen.accounts a on a.household_id = h.id
      where h.village_id = ${village.id}) p
    where p.points >= ${lowest} order by p.points desc, p.code limit ${STAR_LIMIT}`);
  return rows.map((row) => ({ ...row, stars: starsFor(row.points, rule.thresholds) }));
}
