import { sql } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import type { Village } from '../db/schema/index.ts';
import { starHouseholds, type StarHousehold } from '../village/stars.ts';
import { LOW_STOCK_THRESHOLD } from '../weekly/cadre-summary.ts';

const TOP_ITEMS = 5;

export interface VillageFigures {
  code: string;
  name: string;
  claims: number;
  approved: number;
  rejected: number;
  pending: number;
  /** Mean hours a claim decided in the period waited in review; null without decisions. */
  waitHours: number | null;
  issued: number;
  redeemed: number;
  households: number;
  /** Households with at least one claim this calendar month (village time). */
  participating: number;
  topItems: Array<{ name: string; count: number }>;
  lowStock: Array<{ name: string; stock: number }>;
  /** 星级文明户 by the village's rule (village file `stars:`), at the period's end. */
  stars: StarHousehold[];
  starRule?: { per: string; thresholds: number[] };
}

const rows = async <T>(db: Executor, query: ReturnType<typeof sql>) => (await db.execute(query)).rows as T[];

/** Claims, decisions and their wait, points issued and redeemed (system accounts of the ledger) in [from, to). */
async function activity(db: Executor, village: Village, from: Date, to: Date) {
  const [row] = await rows<Record<string, string | number | null>>(db, sql`
    select
      (select count(*) from jifen.claims c where c.village_id = ${village.id} and c.claimed_at >= ${from} and c.claimed_at < ${to})::int as claims,
      (select count(distinct e.claim_id) from jifen.claim_events e join jifen.claims c on c.id = e.claim_id
        where c.village_id = ${village.id} and e.to_state = 'approved' and e.created_at >= ${from} and e.created_at < ${to})::int as approved,
      (select count(distinct e.claim_id) from jifen.claim_events e join jifen.claims c on c.id = e.claim_id
        where c.village_id = ${village.id} and e.to_state = 'rejected' and e.created_at >= ${from} and e.created_at < ${to})::int as rejected,
      (select count(*) from jifen.claims c where c.village_id = ${village.id} and c.state = 'awaiting_review')::int as pending,
      (select avg(extract(epoch from d.created_at - (select max(w.created_at) from jifen.claim_events w
          where w.claim_id = d.claim_id and w.to_state = 'awaiting_review' and w.id < d.id)) / 3600)
        from jifen.claim_events d join jifen.claims c on c.id = d.claim_id
        where c.village_id = ${village.id} and d.to_state in ('approved', 'rejected') and d.created_at >= ${from} and d.created_at < ${to})::float8 as wait_hours,
      (select coalesce(-sum(le.amount), 0) from jifen.ledger_entries le join jifen.accounts a on a.id = le.account_id
        join jifen.ledger_transactions t on t.id = le.transaction_id
        where a.village_id = ${village.id} and a.kind = 'issuance' and t.created_at >= ${from} and t.created_at < ${to})::int as issued,
      (select coalesce(sum(le.amount), 0) from jifen.ledger_entries le join jifen.accounts a on a.id = le.account_id
        join jifen.ledger_transactions t on t.id = le.transaction_id
        where a.village_id = ${village.id} and a.kind = 'supermarket' and t.created_at >= ${from} and t.created_at < ${to})::int as redeemed,
      (select count(*) from jifen.households h where h.village_id = ${village.id})::int as households,
      (select count(distinct c.household_id) from jifen.claims c where c.village_id = ${village.id}
        and c.claimed_at >= date_trunc('month', ${to}::timestamptz at time zone ${village.timezone}) at time zone ${village.timezone})::int as participating`);
  return row!;
}

async function details(db: Executor, village: Village, from: Date, to: Date) {
  const topItems = await rows<{ name: string; count: number }>(db, sql`
    select r.name, count(*)::int as count from jifen.claims c join jifen.rules r on r.id = c.rule_id
    where c.village_id = ${village.id} and c.state in ('approved', 'publicity', 'posted') and c.claimed_at >= ${from} and c.claimed_at < ${to}
    group by r.name order by count desc, r.name limit ${TOP_ITEMS}`);
  const lowStock = await rows<{ name: string; stock: number }>(db, sql`
    select name, stock from jifen.catalogue_items where village_id = ${village.id} and stock is not null and stock <= ${LOW_STOCK_THRESHOLD} order by stock, code`);
  return { topItems, lowStock, stars: await starHouseholds(db, village, to), starRule: village.settings.stars };
}

/** The dashboard's figures for each village, over [from, to). */
export async function dashboard(db: Executor, villages: Village[], from: Date, to: Date): Promise<VillageFigures[]> {
  return Promise.all(villages.map(async (village) => {
    const a = await activity(db, village, from, to);
    return {
      code: village.code, name: village.name,
      claims: Number(a.claims), approved: Number(a.approved), rejected: Number(a.rejected), pending: Number(a.pending),
      waitHours: a.wait_hours === null ? null : Math.round(Number(a.wait_hours) * 10) / 10,
      issued: Number(a.issued), redeemed: Number(a.redeemed), households: Number(a.households), participating: Number(a.participating),
      ...await details(db, village, from, to),
    };
  }));
}
