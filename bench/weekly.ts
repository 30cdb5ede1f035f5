import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import type { Context } from '../src/context.ts';
import { villages } from '../src/db/schema/index.ts';
import { fanOutWeekly } from '../src/weekly/run.ts';
import { isoWeekOf } from '../src/weekly/calendar.ts';
import { startWorkers, type RunningWorkers } from '../workers/index.ts';
import type { FakeTwilio } from '../test/support/fake-twilio.ts';
import { log, sleep, type Deadline } from './util.ts';

export interface WeeklyBenchOptions {
  households: number;
  villages: number;
  deadline: Deadline;
}

export interface WeeklyBenchResult {
  households: number;
  elapsedMs: number;
  householdsPerS: number;
}

/** One in this many households had a claim approved this week (the rest only have a balance). */
const AWARDED_EVERY = 4;

/**
 * Generated villages, households (one member with a phone each), accounts with balances and, for
 * every fourth household, an approved claim posted this week — all inserted set-based in the
 * database (generate_series), so the data is there in seconds.
 */
async function generate(context: Context, households: number, villageCount: number): Promise<void> {
  const perVillage = Math.ceil(households / villageCount);
  await context.db.transaction(async (tx) => {
    await tx.execute(sql`insert into jifen.villages (code, name, settings)
      select 'bench-' || v, '测试' || v || '村', '{"smsSenderNumber":"+8613900009999"}'::jsonb from generate_series(1, ${villageCount}) v`);
    await tx.execute(sql`insert into jifen.households (village_id, code, head)
      select v.id, 'B' || lpad(n::text, 6, '0'), '户主' || n
      from generate_series(1, ${households}) n join jifen.villages v on v.code = 'bench-' || (1 + (n - 1) / ${perVillage})`);
    await tx.execute(sql`insert into jifen.members (household_id, name, phone)
      select id, head, '+86150' || lpad(id::text, 8, '0') from jifen.households`);
    await tx.execute(sql`insert into jifen.accounts (village_id, kind, household_id, balance, lifetime_earned)
      select village_id, 'household', id, (id * 7) % 50, (id * 7) % 50 + (id * 13) % 90 from jifen.households`);
    await tx.execute(sql`insert into jifen.accounts (village_id, kind) select id, 'issuance' from jifen.villages`);
    await tx.execute(sql`insert into jifen.rules (village_id, code, kind, category, name, points)
      select id, 'P01', 'earn', '人居环境', '庭院卫生整洁', 2 from jifen.villages`);
    // One inbound message, claim and award (two ledger entries) per awarded household. The messages are
    // processed long ago: unprocessed, the sweeper would take them for claims never handled and run them.
    await tx.execute(sql`insert into jifen.inbound_messages (channel, external_id, sender, text, raw, queued_at, processed_at, outcome)
      select 'sms', 'bench-' || h.id, m.phone, '扫了院坝', '{}'::jsonb, now(), now(), 'claim' from jifen.households h join jifen.members m on m.household_id = h.id
      where h.id % ${AWARDED_EVERY} = 0`);
    await tx.execute(sql`insert into jifen.claims (village_id, household_id, source_message_id, rule_id, text, state, period_key, points, claimed_at)
      select h.village_id, h.id, i.id, r.id, i.text, 'posted', 'bench', 2, now()
      from jifen.inbound_messages i join jifen.households h on i.external_id = 'bench-' || h.id join jifen.rules r on r.village_id = h.village_id`);
    await tx.execute(sql`insert into jifen.ledger_transactions (idempotency_key, input_hash, kind, memo, affects_lifetime)
      select 'claim-' || id, 'bench', 'award', 'bench', true from jifen.claims`);
    await tx.execute(sql`insert into jifen.ledger_entries (transaction_id, account_id, amount)
      select t.id, a.id, s.amount
      from jifen.ledger_transactions t
      join jifen.claims c on t.idempotency_key = 'claim-' || c.id
      cross join lateral (values (1, 2), (2, -2)) s(side, amount)
      join jifen.accounts a on (s.side = 1 and a.household_id = c.household_id) or (s.side = 2 and a.village_id = c.village_id and a.kind = 'issuance')`);
  });
  await context.db.execute(sql`analyze`);
}

/**
 * The weekly fan-out at scale: every village's run queued at once (as the schedulers fire them),
 * timed until every household's message has been handed to the (fake) provider.
 */
export async function runWeeklyBench(context: Context, twilioApi: FakeTwilio, options: WeeklyBenchOptions): Promise<WeeklyBenchResult> {
  const generating = performance.now();
  await options.deadline.race(generate(context, options.households, options.villages), 'generating weekly data');
  log(`weekly: ${options.households} households in ${options.villages} villages generated in ${((performance.now() - generating) / 1000).toFixed(1)} s`);
  const list = await context.db.select().from(villages);
  const week = isoWeekOf(new Date(), 'Asia/Shanghai');
  // Only messages are posted to the fake provider here; counting its requests is O(1) (filtering them is not).
  const handed = () => twilioApi.requests.length;
  const before = handed();
  let workers: RunningWorkers | undefined;
  const progress = setInterval(() => log(`weekly: ${handed() - before}/${options.households} handed to the provider`), 5_000);
  try {
    workers = startWorkers(context);
    await options.deadline.race(workers.ready(), 'starting the workers');
    const started = performance.now();
    await Promise.all(list.map((village) => fanOutWeekly(context, village, week)));
    while (handed() - before < options.households) {
      options.deadline.check(`waiting for weekly messages (${handed() - before}/${options.households})`);
      await sleep(50);
    }
    const elapsedMs = performance.now() - started;
    log(`weekly: ${options.households} households notified in ${(elapsedMs / 1000).toFixed(2)} s`);
    return { households: options.households, elapsedMs, householdsPerS: options.households / (elapsedMs / 1000) };
  } finally {
    clearInterval(progress);
    await workers?.close().catch((error: unknown) => log(`closing workers failed: ${(error as Error).message}`));
  }
}
