import { sql } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';

/** One household's week as its notification shows it. */
export interface HouseholdWeek {
  householdId: number;
  code: string;
  head: string;
  /** Points awarded this week by item (net of nothing: deductions are listed apart). */
  items: { name: string; points: number }[];
  /** Net points that count toward the lifetime total this week (awards minus deductions). */
  earned: number;
  deducted: number;
  /** Points spent at the supermarket this week, net of redemptions reversed this week (negative when more came back). */
  redeemed: number;
  /** Points that expired this week. earned − redeemed − expired is the week's change of the balance, always. */
  expired: number;
  balance: number;
  lifetime: number;
  /** Rank in the village by lifetime total (1 = most; equal totals share a rank). */
  rank: number;
  /** The member the household is told through: its head, else its first member. */
  contact: { phone: string | null; wechat: string | null; prefers: string } | null;
}

export interface HouseholdRange { villageId: number; firstHouseholdId: number; lastHouseholdId: number }

/** The instants the week spans in the village's timezone, as SQL: its Monday 00:00 to the next. */
const weekBounds = (monday: string, timezone: string) => ({
  starts: sql`(${monday}::date::timestamp at time zone ${timezone})`,
  ends: sql`((${monday}::date + 7)::timestamp at time zone ${timezone})`,
});

type MovementRow = { household_id: number; item: string | null; earned: number; redeemed: number; expired: number };
type StandingRow = {
  household_id: number; code: string; head: string; balance: number; lifetime: number; rank: number;
  phone: string | null; wechat: string | null; prefers: string | null;
};

/**
 * The week of every household in a range of one village, in two set-based queries: the week's
 * ledger movements by household and item, and balances with the village rank (a window function).
 */
export async function householdWeeks(db: Executor, range: HouseholdRange, monday: string, timezone: string): Promise<HouseholdWeek[]> {
  const { starts, ends } = weekBounds(monday, timezone);
  const { villageId, firstHouseholdId: first, lastHouseholdId: last } = range;
  const movements = await db.execute<MovementRow>(sql`
    select a.household_id, r.name as item,
           sum(case when t.affects_lifetime then e.amount else 0 end)::int as earned,
           -- every posting is one of the three, so together they are the balance's change: a reversal of a
           -- redemption is a negative redemption, never left out
           sum(case when not t.affects_lifetime and t.kind <> 'expiry' then -e.amount else 0 end)::int as redeemed,
           sum(case when not t.affects_lifetime and t.kind = 'expiry' then -e.amount else 0 end)::int as expired
    from jifen.accounts a
    join jifen.ledger_entries e on e.account_id = a.id
    join jifen.ledger_transactions t on t.id = e.transaction_id
    -- A claim's award is keyed claim-<id> (workers/post.ts); any other award (a correction) has no item.
    left join jifen.claims c on t.kind = 'award' and c.id = (case when t.idempotency_key ~ '^claim-[0-9]+$' then substring(t.idempotency_key from 7)::bigint end)
    left join jifen.rules r on r.id = c.rule_id
    where a.village_id = ${villageId} and a.kind = 'household' and a.household_id between ${first} and ${last}
      and t.created_at >= ${starts} and t.created_at < ${ends}
    group by a.household_id, r.name`);
  const standings = await db.execute<StandingRow>(sql`
    select h.id as household_id, h.code, h.head, s.balance::int as balance, s.lifetime::int as lifetime, s.rank::int as rank,
           m.phone, m.wechat, m.prefers
    from (select household_id, balance, lifetime_earned as lifetime, rank() over (order by lifetime_earned desc) as rank
          from jifen.accounts where village_id = ${villageId} and kind = 'household') s
    join jifen.households h on h.id = s.household_id
    left join lateral (select phone, wechat, prefers from jifen.members where household_id = h.id
                       order by (name = h.head) desc, (phone is null), id limit 1) m on true
    where h.id between ${first} and ${last}
    order by h.id`);
  const weeks = new Map<number, HouseholdWeek>(standings.rows.map((row) => [row.household_id, {
    householdId: row.household_id, code: row.code, head: row.head, items: [], earned: 0, deducted: 0, redeemed: 0, expired: 0,
    balance: row.balance, lifetime: row.lifetime, rank: row.rank,
    contact: row.prefers === null ? null : { phone: row.phone, wechat: row.wechat, prefers: row.prefers },
  }]));
  for (const row of movements.rows) {
    const week = weeks.get(row.household_id);
    if (!week) continue;
    week.earned += row.earned;
    week.redeemed += row.redeemed;
    week.expired += row.expired;
    if (row.item !== null) week.items.push({ name: row.item, points: row.earned });
    else week.deducted -= Math.min(row.earned, 0);
  }
  return [...weeks.values()];
}

/** The village's households in chunks of consecutive ids, so each chunk is one job. */
export async function householdChunks(db: Executor, villageId: number, size: number): Promise<{ first: number; last: number }[]> {
  const result = await db.execute<{ first: number; last: number }>(sql`
    select min(id)::int as first, max(id)::int as last
    from (select id, (row_number() over (order by id) - 1) / ${size} as chunk from jifen.households where village_id = ${villageId}) numbered
    group by chunk order by first`);
  return result.rows;
}
