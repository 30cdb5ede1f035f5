import { eq } from 'drizzle-orm';
import { answer } from '../commands/answer.ts';
import type { Context } from '../context.ts';
import { cadres, villages, type InboundMessage } from '../db/schema/index.ts';
import type { KnownCadre, KnownMember } from '../directory.ts';
import { routeTo } from '../messages/addressing.ts';
import { markProcessed } from '../messages/inbound.ts';
import { queueMessages } from '../messages/outbound.ts';
import { replyChannel, replyTo } from '../messages/reply.ts';
import { runInTransaction, transactionOf } from '../plans/runner.ts';
import { afterApproval } from '../reviews/publicity.ts';
import { textsOf, type Texts } from '../village-texts.ts';
import type { CadreCommand } from '../understanding/cadre.ts';
import type { KnownVillage } from '../understanding/village-models.ts';
import { attendCheckin, checkinText } from './attend.ts';
import { closeCheckin, finishCheckin, reportTexts } from './close.ts';
import { openCheckin } from './open.ts';

/*
 * The glue between messages and the check-in actions (open.ts, attend.ts, close.ts). Everything
 * here runs in the transaction of the message's or the job's run (src/plans/runner.ts): the
 * action, the answers recorded and the follow-up jobs through the outbox commit together.
 */

/** A cadre's answer in pages (the attendance list on SMS), then the message closed. */
async function answerInPages(context: Context, message: InboundMessage, cadre: KnownCadre, pages: string[], outcome: string): Promise<void> {
  for (const [index, text] of pages.entries()) {
    const dedupeKey = index === 0 ? undefined : `message-${message.id}-reply-${index + 1}`;
    await replyTo(context, message, text, { village: cadre.village, fallbackPhone: cadre.phone, dedupeKey });
  }
  await markProcessed(context, message.id, outcome);
}

/** 签到 P03 (2小时) and 结束签到 1234 from a cadre. */
export async function checkinCommand(context: Context, known: KnownVillage, message: InboundMessage, cadre: KnownCadre,
  command: Extract<CadreCommand, { intent: 'open_checkin' | 'close_checkin' }>): Promise<void> {
  const texts = textsOf(cadre.village);
  if (!cadre.canApprove) return answer(context, message, cadre, texts.checkin.notAllowed(), 'not_approver');
  if (command.intent === 'close_checkin') {
    if (!command.code) return answer(context, message, cadre, texts.checkin.whichCode(), 'checkin_which');
    const closing = await closeCheckin(transactionOf(context), cadre.village, cadre, command.code, message.receivedAt);
    if (closing.kind === 'unknown') return answer(context, message, cadre, texts.checkin.unknownEvent(closing.code), 'checkin_unknown');
    return answerInPages(context, message, cadre, reportTexts(texts, closing.report, replyChannel(message) === 'sms'), 'checkin_closed');
  }
  const rule = command.items.length === 1 ? known.rules.get(command.items[0]!.rule.code) : undefined;
  if (!rule) return answer(context, message, cadre, texts.checkin.whichItem(), 'checkin_which');
  const opened = await openCheckin(context, { village: cadre.village, cadre, rule, minutes: command.minutes, message, now: message.receivedAt });
  await answer(context, message, cadre, opened.reply, 'checkin_opened');
}

/**
 * A villager's message that is a check-in code: answered here (true), and an attended one's claim
 * goes on to publicity or posting, in the message's transaction. False for any other message.
 */
export async function checkinFromVillager(context: Context, member: KnownMember, message: InboundMessage): Promise<boolean> {
  const text = checkinText(message.text);
  if (!text) return false;
  const attendance = await attendCheckin(transactionOf(context), member, message, text);
  const { alert } = attendance;
  if (alert) await tellCadre(context, alert.cadreId, alert.dedupeKey, () => [alert.text]);
  await replyTo(context, message, attendance.reply, { village: member.village, fallbackPhone: member.phone });
  if (attendance.approvedClaimId !== undefined) await afterApproval(context, attendance.approvedClaimId);
  await markProcessed(context, message.id, `checkin_${attendance.outcome}`);
  return true;
}

/** Something for a cadre that is no answer to their own message (an alert, the list at a window's end), rendered for the channel it goes on. */
async function tellCadre(context: Context, cadreId: number, dedupeKey: string, render: (texts: Texts, bySms: boolean) => string[]): Promise<void> {
  const [found] = await context.db.select({ cadre: cadres, village: villages }).from(cadres)
    .innerJoin(villages, eq(villages.id, cadres.villageId)).where(eq(cadres.id, cadreId));
  const route = found && routeTo(context, found.cadre);
  if (!route) return;
  await queueMessages(context, render(textsOf(found.village), route.channel === 'sms').map((text, index) => ({ dedupeKey: `${dedupeKey}-${index + 1}`, ...route, text })));
}

/** The checkin-close job: at the end of the window, the attendance list to the cadre who opened it. */
export async function checkinWindowEnded(context: Context, checkinId: number): Promise<void> {
  await runInTransaction(context, async (context) => {
    const finished = await finishCheckin(transactionOf(context), checkinId);
    if (!finished) return;
    await tellCadre(context, finished.event.openedBy, `checkin-${checkinId}-report`, (texts, bySms) => reportTexts(texts, finished.report, bySms));
  }, `checkin-close:${checkinId}`);
}
