import { eq, sql } from 'drizzle-orm';
import type { Context } from '../context.ts';
import type { Executor, Transaction } from '../db/database.ts';
import { accounts, households, ledgerTransactions, type Household, type Village } from '../db/schema/index.ts';
import { householdAccountId, systemAccountId } from '../ledger/accounts.ts';
import { post } from '../ledger/ledger.ts';
import { tellHousehold } from '../messages/household.ts';
import { runInTransaction, transactionOf } from '../plans/runner.ts';
import { textsOf } from '../village-texts.ts';
import { expiryCalendar, unspentPoints } from './expiry-rules.ts';

/**
 * Points expire by village policy. `end_of_year_plus_1`: points earned in year Y can be spent until
 * 31 December of Y+1 (village time). Spending is taken from the oldest points first (FIFO), so what
 * expires of year Y is what year Y and earlier earned, less everything spent or expired before the
 * end of Y+1. A reversal that gives points back counts as earned when it was posted.
 */
export const EXPIRY_POLICIES = ['end_of_year_plus_1'] as const;

export interface ExpiryLine {
  household: string;
  /** The year the points were earned in. */
  year: number;
  points: number;
}

export interface ExpiryRun {
  village: string;
  asOf: string;
  dryRun: boolean;
  expired: ExpiryLine[];
  /** Households warned that points will expire at the end of this year (from 1 December). */
  warned: ExpiryLine[];
}

/** The instant a calendar day starts in the village's timezone. */
const dayStart = (date: string, timezone: string) => sql`(${date}::timestamp at time zone ${timezone})`;

/**
 * Points of year `year` and earlier that are still unspent (see unspentPoints), counting spending
 * before `spentBefore` (null: all of it), less what a dry run did not post. Reads the locked account.
 */
async function unspentOfYear(tx: Executor, accountId: number, year: number, timezone: string, spentBefore: string | null, notPosted: number): Promise<number> {
  const earnedBefore = dayStart(`${year + 1}-01-01`, timezone);
  const spentCut = spentBefore === null ? sql`true` : sql`t.created_at < ${dayStart(spentBefore, timezone)}`;
  const [row] = (await tx.execute<{ earned: number; spent: number; balance: number }>(sql`
    select coalesce(sum(e.amount) filter (where e.amount > 0 and t.created_at < ${earnedBefore}), 0)::bigint as earned,
           coalesce(-sum(e.amount) filter (where e.amount < 0 and ${spentCut}), 0)::bigint as spent,
           (select balance from jifen.accounts where id = ${accountId}) as balance
      from jifen.ledger_entries e join jifen.ledger_transactions t on t.id = e.transaction_id
     where e.account_id = ${accountId}`)).rows;
  return unspentPoints({ earned: Number(row!.earned), spent: Number(row!.spent), balance: Number(row!.balance) }, notPosted);
}

const expiryKey = (householdId: number, year: number) => `expiry-household-${householdId}-${year}`;

/**
 * Posts the expiry of one household's points of `year`, once (its key); returns the points expired.
 * A dry run posts nothing, so it passes what it would have expired of earlier years as `notPosted`.
 */
async function expireYear(tx: Transaction, village: Village, { id: householdId, code }: Household, year: number, dryRun: boolean, notPosted: number): Promise<number> {
  const [done] = await tx.select({ id: ledgerTransactions.id }).from(ledgerTransactions).where(eq(ledgerTransactions.idempotencyKey, expiryKey(householdId, year)));
  if (done) return 0;
  const accountId = await householdAccountId(tx, householdId);
  await tx.select({ id: accounts.id }).from(accounts).where(eq(accounts.id, accountId)).for('update');
  const expiresAt = `${year + 2}-01-01`;
  const points = await unspentOfYear(tx, accountId, year, village.timezone, expiresAt, notPosted);
  if (points === 0 || dryRun) return points;
  const [at] = (await tx.execute<{ at: Date }>(sql`select ${dayStart(expiresAt, village.timezone)} as at`)).rows;
  await post(tx, {
    idempotencyKey: expiryKey(householdId, year), kind: 'expiry', affectsLifetime: false, memo: `${code} ${year}年积分到期`, at: new Date(at!.at),
    entries: [
      { accountId, amount: -points },
      { accountId: await systemAccountId(tx, village.id, 'issuance'), amount: points },
    ],
  });
  return points;
}

/** The first year any of the village's households earned points in (village time). */
async function firstYear(context: Context, village: Village): Promise<number | undefined> {
  const [row] = (await context.db.execute<{ year: number | null }>(sql`
    select min(extract(year from t.created_at at time zone ${village.timezone}))::int as year
      from jifen.ledger_entries e join jifen.ledger_transactions t on t.id = e.transaction_id
      join jifen.accounts a on a.id = e.account_id
     where a.village_id = ${village.id} and a.kind = 'household' and e.amount > 0`)).rows;
  return row?.year ?? undefined;
}

/**
 * Runs the village's expiry as of a calendar day (YYYY-MM-DD, village time) in ONE transaction
 * (the expire job's, or its own from the CLI): posts every year's expiry that is due and not yet
 * posted, and from 1 December warns each household once of the points that expire on 31
 * December. Running it again changes nothing.
 */
export async function runExpiry(context: Context, village: Village, asOf: string, options: { dryRun?: boolean } = {}): Promise<ExpiryRun> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf)) throw new Error(`as-of date ${asOf} is not YYYY-MM-DD`);
  return runInTransaction(context, (tx) => expireVillage(tx, village, asOf, !!options.dryRun), `expire:${village.code}`);
}

async function expireVillage(context: Context, village: Village, asOf: string, dryRun: boolean): Promise<ExpiryRun> {
  const result: ExpiryRun = { village: village.code, asOf, dryRun, expired: [], warned: [] };
  if (!EXPIRY_POLICIES.includes(village.settings.pointsExpire as never)) return result;
  const first = await firstYear(context, village);
  if (first === undefined) return result;
  const { due, warn: warnYear } = expiryCalendar(asOf, first);
  const tx = transactionOf(context);
  const list = await tx.select().from(households).where(eq(households.villageId, village.id)).orderBy(households.code);
  for (const household of list) {
    // Oldest first: the expiry of one year counts as spent for the next.
    let notPosted = 0;
    for (const earned of due) {
      const points = await expireYear(tx, village, household, earned, dryRun, notPosted);
      if (dryRun) notPosted += points;
      if (points > 0) result.expired.push({ household: household.code, year: earned, points });
    }
    if (warnYear === undefined) continue;
    const points = await unspentOfYear(tx, await householdAccountId(tx, household.id), warnYear, village.timezone, null, notPosted);
    if (points > 0) result.warned.push({ household: household.code, year: warnYear, points });
    if (points > 0 && !dryRun) await warn(context, village, household, warnYear, points);
  }
  return result;
}

/** One warning per household and expiry date (its dedupe key), however often the job runs in December. */
async function warn(context: Context, village: Village, household: Household, year: number, points: number): Promise<void> {
  await tellHousehold(context, household, village, `expiry-warning-${household.id}-${year}`,
    textsOf(village).expiry.warning(points, `${year + 1}年12月31日`), 'expiry_warning');
}
