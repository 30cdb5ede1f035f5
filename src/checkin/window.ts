import type { CheckinEvent } from '../db/schema/index.ts';
import { localDay } from '../claims/period.ts';

/** The default window: a 院坝会 or a work morning. */
export const DEFAULT_MINUTES = 180;
/** The longest a code stays open: a whole day of 义务劳动. */
export const MAX_MINUTES = 24 * 60;
/** How long after its end a code is still recognised (to answer "too late" rather than "no such code"). */
export const LATE_ANSWER_MS = 24 * 3600_000;

/** When the check-in stops taking codes: its end, or when a cadre closed it early. */
export const endOf = (event: CheckinEvent): Date => event.closedAt && event.closedAt < event.closesAt ? event.closedAt : event.closesAt;

export const isOpen = (event: CheckinEvent, at: Date): boolean => at >= event.opensAt && at < endOf(event);

/** "10:30" the same day in the village, "12月4日 10:30" another day. */
export function localTime(at: Date, timezone: string, today: Date = new Date()): string {
  const time = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, hour: '2-digit', minute: '2-digit', hour12: false }).format(at);
  const day = localDay(at, timezone);
  if (day === localDay(today, timezone)) return time;
  const [, month, date] = day.split('-');
  return `${Number(month)}月${Number(date)}日 ${time}`;
}
