import { sql } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';

export interface LedgerReport {
  ok: boolean;
  transactions: number;
  accounts: number;
  problems: string[];
}

/** Recomputes every household balance and lifetime total from the entries and checks every transaction sums to zero. */
export async function verifyLedger(db: Executor): Promise<LedgerReport> {
  const unbalanced = await db.execute<{ id: number; total: number; entries: number }>(sql`
    select t.id, coalesce(sum(e.amount), 0) as total, count(e.id) as entries
      from jifen.ledger_transactions t left join jifen.ledger_entries e on e.transaction_id = t.id
     group by t.id
    having coalesce(sum(e.amount), 0) <> 0 or count(e.id) < 2`);
  const drifted = await db.execute<{ id: number; household: string; balance: number; computed: number; lifetime: number; computed_lifetime: number }>(sql`
    select a.id, h.code as household, a.balance, a.lifetime_earned as lifetime,
           coalesce(sum(e.amount), 0) as computed,
           coalesce(sum(e.amount) filter (where t.affects_lifetime), 0) as computed_lifetime
      from jifen.accounts a
      join jifen.households h on h.id = a.household_id
      left join jifen.ledger_entries e on e.account_id = a.id
      left join jifen.ledger_transactions t on t.id = e.transaction_id
     where a.kind = 'household'
     group by a.id, h.code
    having a.balance <> coalesce(sum(e.amount), 0)
        or a.lifetime_earned <> coalesce(sum(e.amount) filter (where t.affects_lifetime), 0)
        or a.balance < 0`);
  const [counts] = (await db.execute<{ transactions: number; accounts: number }>(sql`
    select (select count(*) from jifen.ledger_transactions) as transactions, (select count(*) from jifen.accounts) as accounts`)).rows;

  const problems = [
    ...unbalanced.rows.map((t) => `transaction ${t.id}: ${t.entries} entries summing to ${t.total}`),
    ...drifted.rows.map((a) => `household ${a.household}: balance ${a.balance} (entries say ${a.computed}), lifetime ${a.lifetime} (entries say ${a.computed_lifetime})`),
  ];
  return { ok: problems.length === 0, transactions: counts!.transactions, accounts: counts!.accounts, problems };
}
