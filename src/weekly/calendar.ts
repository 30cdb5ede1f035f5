import { periodKey } from '../claims/period.ts';
import type { VillageSettings } from '../db/schema/villages.ts';

/** When a village's weekly notification goes out unless its file says otherwise: Sunday 19:00, its own time. */
export const DEFAULT_WEEKLY = { day: 'sunday', time: '19:00' } as const;

const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

export class WeeklySettingError extends Error {}

/** "19:00" → minutes after midnight; anything else is a clear error. */
export function minutesOf(time: string, what: string): number {
  const match = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(time.trim());
  if (!match) throw new WeeklySettingError(`${what}: 时间格式应为 HH:MM（如 19:00），收到「${time}」`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/** The cron pattern of a village's weekly notification (BullMQ job scheduler, in the village's timezone). */
export function weeklyCron(settings: VillageSettings): string {
  const { day, time } = settings.weeklyNotification ?? DEFAULT_WEEKLY;
  const weekday = DAYS.indexOf(day.trim().toLowerCase());
  if (weekday < 0) throw new WeeklySettingError(`weekly_notification.day: 应为 ${DAYS.join('/')}，收到「${day}」`);
  const minutes = minutesOf(time, 'weekly_notification.time');
  return `${minutes % 60} ${Math.floor(minutes / 60)} * * ${weekday}`;
}

/** The ISO week (2026-W49) an instant falls in, in the village's timezone. */
export const isoWeekOf = (at: Date, timezone: string) => periodKey('week', at, timezone);

/** "2026-W49" → its Monday as a calendar date "2026-11-30" (timezone-free: the village's local date). */
export function mondayOf(week: string): string {
  const match = /^(\d{4})-W(\d{2})$/.exec(week);
  const number = Number(match?.[2]);
  if (!match || number < 1 || number > 53) throw new WeeklySettingError(`week must look like 2026-W49, got "${week}"`);
  // Week 1 holds January 4th; its Monday is the start of the ISO year.
  const january4 = new Date(Date.UTC(Number(match[1]), 0, 4));
  const monday = new Date(january4.getTime() - ((january4.getUTCDay() + 6) % 7) * 86_400_000 + (number - 1) * 7 * 86_400_000);
  return monday.toISOString().slice(0, 10);
}

const clockFormatters = new Map<string, Intl.DateTimeFormat>();

/** Minutes after local midnight (and seconds into the minute) of an instant in a timezone. */
function localClock(at: Date, timezone: string): { minutes: number; seconds: number } {
  let formatter = clockFormatters.get(timezone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    clockFormatters.set(timezone, formatter);
  }
  const parts = formatter.formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return { minutes: get('hour') * 60 + get('minute'), seconds: get('second') + at.getUTCMilliseconds() / 1000 };
}

/**
 * How long a message due at `at` waits for the village's quiet hours to end: 0 outside them.
 * Quiet hours may span midnight (21:30–07:30).
 */
export function quietHoursDelayMs(at: Date, timezone: string, quiet: VillageSettings['quietHours']): number {
  if (!quiet) return 0;
  const from = minutesOf(quiet.from, 'quiet_hours.from');
  const to = minutesOf(quiet.to, 'quiet_hours.to');
  if (from === to) return 0;
  const { minutes, seconds } = localClock(at, timezone);
  const inside = from < to ? minutes >= from && minutes < to : minutes >= from || minutes < to;
  if (!inside) return 0;
  const minutesLeft = (to - minutes + 1440) % 1440;
  return Math.round((minutesLeft * 60 - seconds) * 1000);
}

/** Checks a village file's weekly time and quiet hours before anything is imported. */
export function checkVillageTimes(settings: VillageSettings): void {
  weeklyCron(settings);
  if (settings.quietHours) quietHoursDelayMs(new Date(0), 'UTC', settings.quietHours);
}
