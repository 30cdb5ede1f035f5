import type { CapPeriod } from '../db/schema/rules.ts';

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Building a DateTimeFormat costs far more than using one: one per timezone. */
function formatterFor(timezone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timezone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timezone, formatter);
  }
  return formatter;
}

/** The calendar date of an instant in a timezone (villages count weeks in their own time). */
export function localDate(at: Date, timezone: string): { year: number; month: number; day: number } {
  const parts = formatterFor(timezone).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return { year: get('year'), month: get('month'), day: get('day') };
}

/** The calendar day of an instant in a timezone, as YYYY-MM-DD. */
export function localDay(at: Date, timezone: string): string {
  const { year, month, day } = localDate(at, timezone);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** ISO 8601 week (weeks start on Monday; week 1 holds the year's first Thursday). */
function isoWeek(year: number, month: number, day: number): { year: number; week: number } {
  const date = new Date(Date.UTC(year, month - 1, day));
  const weekday = date.getUTCDay() || 7;
  date.setUTCDate(date.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(date.getUTCFullYear(), 0, 1);
  return { year: date.getUTCFullYear(), week: Math.ceil(((date.getTime() - yearStart) / 86_400_000 + 1) / 7) };
}

/**
 * The cap period an instant falls in, as a key claims are counted under:
 * 2026-W48, 2026-11, 2026, 2026-spring / 2026-autumn (school terms: Feb–Jul, Aug–Jan), or "all" with no period.
 */
export function periodKey(per: CapPeriod | null, at: Date, timezone: string): string {
  const { year, month, day } = localDate(at, timezone);
  switch (per) {
    case 'week': {
      const iso = isoWeek(year, month, day);
      return `${iso.year}-W${String(iso.week).padStart(2, '0')}`;
    }
    case 'month':
      return `${year}-${String(month).padStart(2, '0')}`;
    case 'year':
      return String(year);
    case 'term':
      if (month >= 8) return `${year}-autumn`;
      return month === 1 ? `${year - 1}-autumn` : `${year}-spring`;
    default:
      return 'all';
  }
}

/** YYYY-MM-DD in the timezone: keys "once a day" limits. */
export function dayKey(at: Date, timezone: string): string {
  const { year, month, day } = localDate(at, timezone);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** True for YYYY-MM-DD that names a day on the calendar (not 2026-13-45, not 2026-02-30). */
export function isCalendarDay(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
