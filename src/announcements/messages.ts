import { eq } from 'drizzle-orm';
import { answer } from '../commands/answer.ts';
import type { Context } from '../context.ts';
import { cadres, villages, type InboundMessage } from '../db/schema/index.ts';
import type { KnownCadre } from '../directory.ts';
import { routeTo } from '../messages/addressing.ts';
import { queueMessages } from '../messages/outbound.ts';
import { runInTransaction, transactionOf } from '../plans/runner.ts';
import { textsOf } from '../village-texts.ts';
import type { CadreCommand } from '../understanding/cadre.ts';
import { quietHoursDelayMs } from '../weekly/calendar.ts';
import { announcementToSend, finishAnnouncement } from './progress.ts';
import { confirmAnnouncement, requestAnnouncement } from './request.ts';

/*
 * The glue between messages, jobs and the announcement actions (request.ts, progress.ts). Everything
 * here runs in the transaction of the message's or the job's run (src/plans/runner.ts): the
 * action, the messages recorded and the follow-up jobs through the outbox commit together.
 */

/** How often the report job looks whether every household's message has gone. */
const REPORT_EVERY_MS = 60_000;
/** It stops looking after a day: what is still pending then is reported as it stands by `jifen messages`. */
const REPORT_ROUNDS = 24 * 60;

/** 通知 <text> and 确认 NNNN from a cadre with can_announce. */
export async function announcementCommand(context: Context, message: InboundMessage, cadre: KnownCadre,
  command: Extract<CadreCommand, { intent: 'announce' | 'confirm_announcement' }>): Promise<void> {
  const texts = textsOf(cadre.village);
  if (!cadre.canAnnounce) return answer(context, message, cadre, texts.announcement.notAllowed(), 'not_announcer');
  const route = (person: Parameters<typeof routeTo>[1]) => routeTo(context, person);
  if (command.intent === 'announce') {
    const requested = await requestAnnouncement(transactionOf(context), { village: cadre.village, cadre, text: command.text, message, now: message.receivedAt, route });
    return answer(context, message, cadre, requested.reply, requested.kind === 'preview' ? 'announcement_preview' : 'announcement_refused');
  }
  if (!command.code) return answer(context, message, cadre, texts.announcement.unknownCode(''), 'announcement_unknown');
  const confirmed = await confirmAnnouncement(context, cadre.village, command.code, message.receivedAt, message);
  await answer(context, message, cadre, confirmed.reply, confirmed.kind === 'confirmed' ? 'announcement_confirmed' : 'announcement_unknown');
}

/**
 * The announcement-send job: records one message per household (dedupe key per announcement and
 * household, so a worker dying midway and the job running again sends nothing twice), queues them
 * at the channels' rates, held to the end of quiet hours, then starts watching for the report.
 */
export async function sendAnnouncement(context: Context, announcementId: number, now = new Date()): Promise<void> {
  await runInTransaction(context, async (context) => {
    const toSend = await announcementToSend(transactionOf(context), announcementId, (person) => routeTo(context, person));
    if (!toSend) return;
    const [village] = await context.db.select().from(villages).where(eq(villages.id, toSend.announcement.villageId));
    const delayMs = quietHoursDelayMs(now, village!.timezone, village!.settings.quietHours);
    await queueMessages(context, toSend.messages, { delayMs, batchSize: context.config.weeklySendBatch });
    await context.outbox.enqueue({ name: 'announcement-report', data: { announcementId, round: 1 } }, { delayMs: delayMs + REPORT_EVERY_MS });
  }, `announcement-send:${announcementId}`);
}

/** The announcement-report job: once nothing is pending, the delivery figures to the cadre who asked; else a look again later. */
export async function reportAnnouncement(context: Context, announcementId: number, round: number): Promise<void> {
  await runInTransaction(context, async (context) => {
    const finished = await finishAnnouncement(transactionOf(context), announcementId, new Date());
    if (!finished.done) {
      if (round < REPORT_ROUNDS) await context.outbox.enqueue({ name: 'announcement-report', data: { announcementId, round: round + 1 } }, { delayMs: REPORT_EVERY_MS });
      return;
    }
    if (!finished.report || !finished.cadreId) return;
    const [cadre] = await context.db.select().from(cadres).where(eq(cadres.id, finished.cadreId));
    const route = cadre && routeTo(context, cadre);
    if (route) await queueMessages(context, [{ dedupeKey: `announcement-${announcementId}-report`, ...route, text: finished.report }]);
  }, `announcement-report:${announcementId}:${round}`);
}
