import { randomInt } from 'node:crypto';
import { and, eq, gt, sql } from 'drizzle-orm';
import type { Context } from '../context.ts';
import type { Executor } from '../db/database.ts';
import { checkinEvents, type Cadre, type CheckinEvent, type InboundMessage, type NewCheckinEvent, type Rule, type Village } from '../db/schema/index.ts';
import { transactionOf } from '../plans/runner.ts';
import { itemName } from '../templates.ts';
import { textsOf } from '../village-texts.ts';
import { DEFAULT_MINUTES, LATE_ANSWER_MS, localTime, MAX_MINUTES } from './window.ts';

export interface OpenCheckin {
  village: Village;
  cadre: Cadre;
  rule: Rule;
  minutes?: number;
  /** The cadre's 签到 message: opening again for it finds the same event. */
  message?: InboundMessage;
  now: Date;
  /** Draws a four-digit code (default: at random); tests make two opens draw the same. */
  drawCode?: () => string;
}

export interface OpenedCheckin {
  event: CheckinEvent;
  /** What the cadre is told: the code and until when. */
  reply: string;
}

const randomCode = () => String(randomInt(1000, 10_000));

/**
 * The event, with four digits no check-in of the village used within the last day (a late text
 * must not land on a new event). Two opens at once can draw the same code: the unique index on the
 * village's open events lets one have it, and the other draws again.
 */
async function insertWithFreeCode(tx: Executor, event: Omit<NewCheckinEvent, 'code'>, now: Date, drawCode: () => string): Promise<CheckinEvent> {
  const recent = await tx.select({ code: checkinEvents.code }).from(checkinEvents)
    .where(and(eq(checkinEvents.villageId, event.villageId), gt(checkinEvents.closesAt, new Date(now.getTime() - LATE_ANSWER_MS))));
  const taken = new Set(recent.map((row) => row.code));
  for (let attempt = 0; attempt < 50; attempt++) {
    const code = drawCode();
    if (taken.has(code)) continue;
    const [inserted] = await tx.insert(checkinEvents).values({ ...event, code })
      .onConflictDoNothing({ target: [checkinEvents.villageId, checkinEvents.code], where: sql`closed_at is null` }).returning();
    if (inserted) return inserted;
    taken.add(code);
  }
  throw new Error(`no free check-in code in village ${event.villageId}`);
}

/**
 * Opens a check-in (签到) for an earning item: a code valid for `minutes` (default 3 hours). Only
 * an approver opens one, since the opening is the approval of every check-in. In the caller's
 * transaction, whose outbox gets the job that sends the attendance list when the window ends;
 * the same message opens one event however often it runs.
 */
export async function openCheckin(context: Context, input: OpenCheckin): Promise<OpenedCheckin> {
  const tx = transactionOf(context);
  const { village, cadre, rule, message, now } = input;
  const minutes = Math.min(Math.max(input.minutes ?? DEFAULT_MINUTES, 5), MAX_MINUTES);
  let [event] = message ? await tx.select().from(checkinEvents).where(eq(checkinEvents.openedByMessage, message.id)) : [];
  if (!event) {
    const opensAt = message?.receivedAt ?? now;
    event = await insertWithFreeCode(tx, {
      villageId: village.id, ruleId: rule.id, openedBy: cadre.id,
      openedByMessage: message?.id ?? null, opensAt, closesAt: new Date(opensAt.getTime() + minutes * 60_000),
    }, now, input.drawCode ?? randomCode);
  }
  const reply = textsOf(village).checkin.opened(itemName(rule.name), rule.points, event!.code, localTime(event!.closesAt, village.timezone, now));
  await context.outbox.enqueue({ name: 'checkin-close', data: { checkinId: event!.id } }, { delayMs: Math.max(0, event!.closesAt.getTime() - now.getTime()) });
  return { event: event!, reply };
}
