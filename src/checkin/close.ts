import { and, desc, eq, gt } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { checkinAttempts, checkinEvents, households, rules, type Cadre, type CheckinEvent, type Village } from '../db/schema/index.ts';
import { ONE_SEGMENT, pagesWithin } from '../messages/pages.ts';
import { itemName } from '../templates.ts';
import type { Texts } from '../village-texts.ts';
import { LATE_ANSWER_MS } from './window.ts';

/** Who attended an event: its code, item and the households (户号 and head), in the order they checked in. */
export interface AttendanceReport {
  code: string;
  item: string;
  households: string[];
}

export async function attendanceOf(tx: Executor, event: CheckinEvent): Promise<AttendanceReport> {
  const [rule] = await tx.select({ name: rules.name }).from(rules).where(eq(rules.id, event.ruleId));
  const rows = await tx.select({ code: households.code, head: households.head }).from(checkinAttempts)
    .innerJoin(households, eq(households.id, checkinAttempts.householdId))
    .where(and(eq(checkinAttempts.eventId, event.id), eq(checkinAttempts.outcome, 'attended'))).orderBy(checkinAttempts.id);
  return { code: event.code, item: itemName(rule!.name), households: rows.map((row) => `${row.code} ${row.head}家`) };
}

/** The attendance list as texts: one message, or on SMS pages of one segment each. */
export function reportTexts(texts: Texts, report: AttendanceReport, bySms: boolean): string[] {
  const { code, item, households: list } = report;
  if (!bySms || list.length === 0 || ONE_SEGMENT(texts.checkin.report(code, item, list.length, list))) {
    return [texts.checkin.report(code, item, list.length, list)];
  }
  return pagesWithin(list, ONE_SEGMENT, (page, pages, part) => texts.checkin.reportPage(code, item, list.length, page, pages, part));
}

export type Closing = { kind: 'unknown'; code: string } | { kind: 'closed'; event: CheckinEvent; report: AttendanceReport };

/**
 * 结束签到 1234: ends the village's check-in with that code now (if it is still open) and returns
 * who attended. Closing again, or after its end, only reports. Runs in the transaction it is given.
 */
export async function closeCheckin(tx: Executor, village: Village, cadre: Cadre, code: string, now: Date): Promise<Closing> {
  const [found] = await tx.select().from(checkinEvents)
    .where(and(eq(checkinEvents.villageId, village.id), eq(checkinEvents.code, code), gt(checkinEvents.closesAt, new Date(now.getTime() - LATE_ANSWER_MS))))
    .orderBy(desc(checkinEvents.id)).limit(1);
  if (!found) return { kind: 'unknown', code };
  let event = found;
  if (!event.closedAt && now < event.closesAt) {
    [event] = await tx.update(checkinEvents).set({ closedAt: now, closedBy: cadre.id }).where(eq(checkinEvents.id, found.id)).returning() as [CheckinEvent];
  }
  return { kind: 'closed', event, report: await attendanceOf(tx, event) };
}

/**
 * The end of an event's window (the delayed checkin-close job, or the sweeper when the queue lost
 * that job): the event closes at its end, which frees its code, and its attendance list is for the
 * cadre who opened it, unless a cadre closed it early and got the list then.
 */
export async function finishCheckin(tx: Executor, checkinId: number): Promise<{ event: CheckinEvent; report: AttendanceReport } | undefined> {
  const [found] = await tx.select().from(checkinEvents).where(eq(checkinEvents.id, checkinId));
  if (!found || (found.closedAt && found.closedAt < found.closesAt)) return undefined;
  const [event] = found.closedAt ? [found]
    : await tx.update(checkinEvents).set({ closedAt: found.closesAt }).where(eq(checkinEvents.id, checkinId)).returning();
  return { event: event!, report: await attendanceOf(tx, event!) };
}
