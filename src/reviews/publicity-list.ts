import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { claimEvents, claims, households, rules, villages, type VillageSettings } from '../db/schema/index.ts';
import { dayKey, isCalendarDay } from '../claims/period.ts';
import { maskName } from '../log.ts';
import { publicityEnd } from './policy.ts';

/** One approved claim as the notice board shows it. */
export interface PublicityRow {
  reference: number;
  household: string;
  head: string;
  item: string;
  points: number;
  /** The day it was approved and listed (village time, YYYY-MM-DD). */
  approvedOn: string;
  /** The last day anyone may object. */
  objectBy: string;
}

export interface PublicityList {
  /** smsNumber: where villagers text their objections. */
  village: { code: string; name: string; smsNumber?: string; settings: Pick<VillageSettings, 'texts'> };
  days: number;
  from: string;
  to: string;
  rows: PublicityRow[];
}

/** A period that names no day on the calendar, or ends before it begins: answered 400 / refused by the CLI. */
export class PeriodError extends Error {}

function checkPeriod(period: { from?: string; to?: string }) {
  for (const [name, day] of Object.entries(period)) {
    if (day !== undefined && !isCalendarDay(day)) throw new PeriodError(`${name} must be a day on the calendar as YYYY-MM-DD, not ${day}`);
  }
  if (period.from && period.to && period.from > period.to) throw new PeriodError(`from ${period.from} is after to ${period.to}`);
}

/** A period's default: the 30 days up to today. */
const DEFAULT_PERIOD_DAYS = 30;

/**
 * The village's publicity list (公示) for a period: every claim whose latest publicity began in it
 * (village time, `from` and `to` inclusive) and that is in publicity or posted since, household by
 * household, heads' names masked (王*英) unless the village chose full names; undefined for an unknown village, a PeriodError for a day that does not exist.
 */
export async function publicityList(db: Executor, villageCode: string, period: { from?: string; to?: string } = {}): Promise<PublicityList | undefined> {
  checkPeriod(period);
  const [village] = await db.select().from(villages).where(eq(villages.code, villageCode));
  if (!village) return undefined;
  const tz = village.timezone;
  const to = period.to ?? dayKey(new Date(), tz);
  const from = period.from ?? dayKey(new Date(Date.parse(`${to}T12:00:00Z`) - DEFAULT_PERIOD_DAYS * 86_400_000), tz);
  const localDay = sql<string>`to_char(${claimEvents.at} at time zone ${tz}, 'YYYY-MM-DD')`;
  const listed = await db.selectDistinctOn([claims.id], {
    reference: claims.reference, household: households.code, head: households.head, item: rules.name, points: claims.points,
    since: claimEvents.at,
  }).from(claimEvents)
    .innerJoin(claims, eq(claims.id, claimEvents.claimId)).innerJoin(households, eq(households.id, claims.householdId)).innerJoin(rules, eq(rules.id, claims.ruleId))
    .where(and(eq(claims.villageId, village.id), eq(claimEvents.toState, 'publicity'), sql`${localDay} between ${from} and ${to}`,
      // objected to and back in review (or rejected since): not on the board until approved again
      inArray(claims.state, ['publicity', 'posted'])))
    .orderBy(claims.id, desc(claimEvents.id));
  const days = village.settings.publicityDays ?? 0;
  // Masked unless the village chose full names, and recorded who chose it (PIPL).
  const shown = village.settings.publicFullNames ? (name: string) => name : maskName;
  const rows = listed.map((row) => ({
    reference: row.reference!, household: row.household, head: shown(row.head), item: row.item, points: row.points!,
    approvedOn: dayKey(row.since, tz), objectBy: dayKey(publicityEnd(row.since, days), tz),
  })).sort((a, b) => a.household.localeCompare(b.household) || a.approvedOn.localeCompare(b.approvedOn));
  return { village: { code: village.code, name: village.name, smsNumber: village.settings.smsSenderNumber, settings: { texts: village.settings.texts } }, days, from, to, rows };
}
