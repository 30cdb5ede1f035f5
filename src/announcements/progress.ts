import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.ts';
import { announcements, outboundMessages, villages, type Announcement } from '../db/schema/index.ts';
import type { Reachable, Route } from '../messages/addressing.ts';
import type { MessageToSend } from '../messages/outbound.ts';
import { textsOf } from '../village-texts.ts';
import { announcementKeyPrefix, announcementRecipients } from './recipients.ts';

/** How an announcement's households stand: each counted by its message, or its fallback when the first channel refused it. */
export interface AnnouncementProgress {
  households: number;
  sent: number;
  failed: number;
  optedOut: number;
  pending: number;
  unreachable: number;
}

/** The households' messages of a confirmed announcement, to record and queue; none unless it is sending. */
export async function announcementToSend(tx: Executor, announcementId: number, route: (person: Reachable) => Route | undefined): Promise<{ announcement: Announcement; messages: MessageToSend[] } | undefined> {
  const [row] = await tx.select({ announcement: announcements, village: villages }).from(announcements)
    .innerJoin(villages, eq(villages.id, announcements.villageId)).where(eq(announcements.id, announcementId));
  if (!row || row.announcement.state !== 'sending') return undefined;
  const { messages } = await announcementRecipients(tx, row.village, announcementId, row.announcement.text, route);
  return { announcement: row.announcement, messages };
}

export async function announcementProgress(tx: Executor, announcement: Announcement): Promise<AnnouncementProgress> {
  // A household's final word: its fallback's status when there is one, else its message's.
  const rows = await tx.execute<{ status: string; count: number }>(sql`
    select status, count(*)::int as count from (
      select distinct on (regexp_replace(${outboundMessages.dedupeKey}, '-fallback$', '')) ${outboundMessages.status} as status
      from ${outboundMessages}
      where ${outboundMessages.dedupeKey} like ${`${announcementKeyPrefix(announcement.id)}%`}
      order by regexp_replace(${outboundMessages.dedupeKey}, '-fallback$', ''), ${outboundMessages.id} desc
    ) as households group by status`);
  const count = (...statuses: string[]) => rows.rows.filter((r) => statuses.includes(r.status)).reduce((sum, r) => sum + Number(r.count), 0);
  const recorded = count('pending', 'sent', 'delivered', 'dry_run', 'failed', 'opted_out');
  return {
    households: announcement.preview.households, sent: count('sent', 'delivered', 'dry_run'), failed: count('failed'),
    optedOut: count('opted_out'), pending: count('pending'), unreachable: announcement.preview.households - recorded,
  };
}

/** Once nothing is pending: the announcement is done, and its figures are what the cadre is told (once). */
export async function finishAnnouncement(tx: Executor, announcementId: number, now: Date): Promise<{ done: boolean; report?: string; cadreId?: number | null }> {
  const [found] = await tx.select({ announcement: announcements, village: villages }).from(announcements)
    .innerJoin(villages, eq(villages.id, announcements.villageId)).where(eq(announcements.id, announcementId));
  if (!found || found.announcement.state === 'preview') return { done: true };
  const { announcement, village } = found;
  const progress = await announcementProgress(tx, announcement);
  if (progress.pending > 0) return { done: false };
  await tx.update(announcements).set({ state: 'done', finishedAt: now }).where(and(eq(announcements.id, announcementId), eq(announcements.state, 'sending')));
  return { done: true, cadreId: announcement.cadreId, report: textsOf(village).announcement.report(progress.sent, progress.failed, progress.optedOut, progress.unreachable) };
}

/** Every announcement of a village (or of all, or only those still sending), newest first, with where it stands. */
export async function announcementsWithProgress(tx: Executor, options: { villageId?: number; sendingOnly?: boolean } = {}) {
  const list = await tx.select().from(announcements).where(and(
    options.villageId === undefined ? undefined : eq(announcements.villageId, options.villageId),
    options.sendingOnly ? eq(announcements.state, 'sending') : undefined,
  )).orderBy(sql`${announcements.id} desc`).limit(20);
  const result = [];
  for (const announcement of list) result.push({ id: announcement.id, state: announcement.state, text: announcement.text, preview: announcement.preview, progress: await announcementProgress(tx, announcement) });
  return result;
}

/** One line of progress: `announcement 3 sending: 25/40 sent, 0 failed, 1 opted out, 14 pending — 明天上午…`. */
export const progressLine = (a: Awaited<ReturnType<typeof announcementsWithProgress>>[number]) =>
  `announcement ${a.id} ${a.state}: ${a.progress.sent}/${a.progress.households} sent, ${a.progress.failed} failed, ${a.progress.optedOut} opted out, ${a.progress.pending} pending — ${a.text}`;
