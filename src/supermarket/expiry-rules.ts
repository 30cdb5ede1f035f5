/**
 * The arithmetic of expiry by `end_of_year_plus_1` as pure functions: src/supermarket/expiry.ts
 * reads the ledger's sums and applies what these decide in the runner's transaction.
 */

const WARNING_MONTH = 12;

/** What a run as of a calendar day (YYYY-MM-DD, village time) must do: the earning years whose points expired, the year to warn of. */
export function expiryCalendar(asOf: string, firstYear: number): { due: number[]; warn?: number } {
  const [year, month] = asOf.split('-').map(Number) as [number, number];
  // Points of year Y can be spent until 31 December of Y+1: on 1 January of Y+2 they have expired.
  const due = [];
  for (let earned = firstYear; earned <= year - 2; earned++) due.push(earned);
  // From 1 December the points of last year expire at the end of this one: households are warned.
  return month === WARNING_MONTH ? { due, warn: year - 1 } : { due };
}

/**
 * Points of a year still unspent: spending takes the oldest points first, so it is what the year
 * and earlier earned less everything spent since, never more than the balance nor less than zero.
 * `notPosted` is what a dry run would have expired of earlier years without posting it.
 */
export function unspentPoints({ earned, spent, balance }: { earned: number; spent: number; balance: number }, notPosted = 0): number {
  return Math.max(0, Math.min(earned - spent, balance) - notPosted);
}
