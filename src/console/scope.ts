import { sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Village } from '../db/schema/index.ts';
import { dayKey, isCalendarDay } from '../claims/period.ts';
import { templates } from '../templates.ts';
import type { ConsoleUser } from './people.ts';

const DAY_MS = 86_400_000;
/** A period's default: the 30 days up to today (as the publicity list's). */
const DEFAULT_DAYS = 30;

/** YYYY-MM-DD in a query string; the calendar check follows in `periodOf`. */
export const DAY = { type: 'string', pattern: '^(\\d{4}-\\d{2}-\\d{2})?$' } as const;
export const VILLAGE = { type: 'string', maxLength: 40 } as const;

/** The village a page is about: the one asked for among the person's own (a cadre has one), or their first; undefined for another. */
export function villageOf(user: ConsoleUser, code?: string): Village | undefined {
  return code ? user.villages.find((village) => village.code === code) : user.villages[0];
}

/** Days in village time, both inclusive (YYYY-MM-DD). */
export interface Period { from: string; to: string }

/** The days asked for (the last 30 days by default); undefined for a day not on the calendar or a period that ends before it begins. */
export function periodOf(query: { from?: string; to?: string }, timezone: string, now = new Date()): Period | undefined {
  const to = query.to || dayKey(now, timezone);
  const from = query.from || dayKey(new Date(Date.parse(`${to}T12:00:00Z`) - DEFAULT_DAYS * DAY_MS), timezone);
  if (!isCalendarDay(from) || !isCalendarDay(to) || from > to) return undefined;
  return { from, to };
}

/** The instant's day in the village's timezone lies in the period. */
export const within = (column: PgColumn | SQL, period: Period, timezone: string): SQL =>
  sql`(${column} at time zone ${timezone})::date between ${period.from}::date and ${period.to}::date`;

/** A page's query: which village and which days. */
export const villagePeriodQuery = {
  type: 'object',
  properties: { village: VILLAGE, from: DAY, to: DAY, notice: { type: 'string', maxLength: 200 } },
} as const;
export interface VillagePeriodQuery { village?: string; from?: string; to?: string }

/** The village and period a request asks for, or why not (404: not one of the person's villages; 400: days that do not exist). */
export function villagePeriod(user: ConsoleUser, query: VillagePeriodQuery, now = new Date()):
  { village: Village; period: Period } | { status: 400 | 404; error: string } {
  const village = villageOf(user, query.village);
  if (!village) return { status: 404, error: templates.console.noVillage(query.village ?? '') };
  const period = periodOf(query, village.timezone, now);
  if (!period) return { status: 400, error: templates.console.badPeriod() };
  return { village, period };
}
