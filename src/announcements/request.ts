import { randomInt } from 'node:crypto';
import { and, desc, eq, gt, sql } from 'drizzle-orm';
import type { Context } from '../context.ts';
import type { Executor } from '../db/database.ts';
import { announcements, type Announcement, type AnnouncementPreview, type Cadre, type InboundMessage, type Village } from '../db/schema/index.ts';
import type { Reachable, Route } from '../messages/addressing.ts';
import { smsSize } from '../messages/segments.ts';
import { refusedPhraseIn } from '../messages/sms-content.ts';
import { transactionOf } from '../plans/runner.ts';
import { textsOf, type Texts } from '../village-texts.ts';
import { announcementRecipients } from './recipients.ts';

/** A preview waits this long for its 确认. */
const CONFIRM_MINUTES = 30;

export interface AnnouncementRequest {
  village: Village;
  /** The cadre asking (null from the CLI). */
  cadre?: Cadre;
  text: string;
  message?: InboundMessage;
  now: Date;
  /** How jifen reaches a person (routeTo): which channel each household gets. */
  route: (person: Reachable) => Route | undefined;
}

export type Requested =
  | { kind: 'refused'; reply: string }
  | { kind: 'preview'; announcement: Announcement; reply: string };

function previewText(texts: Texts, preview: AnnouncementPreview, code: string): string {
  const channels = Object.entries(preview.byChannel).map(([channel, count]) => texts.announcement.channel(channel, count)).join('、');
  return texts.announcement.preview(preview.households, channels || texts.announcement.noChannel, preview.segmentsEach, preview.segmentsTotal, code);
}

/**
 * 通知 <text>: nothing is sent yet. Records the announcement with what it would take — households,
 * channels, SMS segments — and a four-digit code the cadre confirms it with. Refused when empty or
 * when it holds a phrase SMS providers refuse. Runs in the transaction it is given; the same message asks once.
 */
export async function requestAnnouncement(tx: Executor, input: AnnouncementRequest): Promise<Requested> {
  const { village, text, message, now } = input;
  const texts = textsOf(village);
  if (!text.trim()) return { kind: 'refused', reply: texts.announcement.empty() };
  const refused = refusedPhraseIn(text);
  if (refused) return { kind: 'refused', reply: texts.announcement.refused(refused) };
  const [earlier] = message ? await tx.select().from(announcements).where(eq(announcements.requestedBy, message.id)) : [];
  if (earlier) return { kind: 'preview', announcement: earlier, reply: previewText(texts, earlier.preview, earlier.confirmCode) };

  const recipients = await announcementRecipients(tx, village, 0, text, input.route);
  const byChannel: Record<string, number> = {};
  for (const m of recipients.messages) byChannel[m.channel] = (byChannel[m.channel] ?? 0) + 1;
  const segmentsEach = smsSize(texts.announcement.toHousehold(village.name, text)).segments;
  const preview: AnnouncementPreview = {
    households: recipients.households, byChannel, unreachable: recipients.households - recipients.messages.length,
    optedOut: recipients.optedOut, segmentsEach, segmentsTotal: segmentsEach * ((byChannel.sms ?? 0) - recipients.optedOut),
  };
  const [announcement] = await tx.insert(announcements).values({
    villageId: village.id, text, cadreId: input.cadre?.id ?? null, requestedBy: message?.id ?? null,
    confirmCode: String(randomInt(1000, 10_000)), preview, expiresAt: new Date(now.getTime() + CONFIRM_MINUTES * 60_000),
  }).returning();
  return { kind: 'preview', announcement: announcement!, reply: previewText(texts, preview, announcement!.confirmCode) };
}

export type Confirmed =
  | { kind: 'unknown'; reply: string }
  | { kind: 'confirmed'; announcement: Announcement; reply: string };

/**
 * 确认 NNNN: the preview with that code (of this village, not lapsed) starts sending: the send job,
 * queued through the caller's transaction's outbox, records one message per household.
 * Confirming again changes nothing.
 */
export async function confirmAnnouncement(context: Context, village: Village, code: string, now: Date, message?: InboundMessage): Promise<Confirmed> {
  const tx = transactionOf(context);
  const texts = textsOf(village);
  const [started] = await tx.update(announcements).set({ state: 'sending', confirmedAt: now, confirmedBy: message?.id ?? null })
    .where(and(eq(announcements.villageId, village.id), eq(announcements.confirmCode, code), eq(announcements.state, 'preview'), gt(announcements.expiresAt, now)))
    .returning();
  if (started) {
    await context.outbox.enqueue({ name: 'announcement-send', data: { announcementId: started.id } });
    return { kind: 'confirmed', announcement: started, reply: texts.announcement.confirmed(started.preview.households) };
  }
  const [again] = await tx.select().from(announcements).where(and(eq(announcements.villageId, village.id), eq(announcements.confirmCode, code),
    sql`${announcements.state} <> 'preview'`)).orderBy(desc(announcements.id)).limit(1);
  if (again) return { kind: 'confirmed', announcement: again, reply: texts.announcement.alreadyConfirmed(code) };
  return { kind: 'unknown', reply: texts.announcement.unknownCode(code) };
}
