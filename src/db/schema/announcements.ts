import { bigint, bigserial, integer, jsonb, text, timestamp } from 'drizzle-orm/pg-core';
import { inboundMessages } from './messages.ts';
import { createdAt, jifen } from './namespace.ts';
import { cadres, villages } from './villages.ts';

/** What a cadre is shown before confirming: how many households, on which channels, what the SMS cost. */
export interface AnnouncementPreview {
  households: number;
  byChannel: Record<string, number>;
  /** Households with no address jifen can send to. */
  unreachable: number;
  /** Households whose address opted out (TD/退订): announcements are not essential. */
  optedOut: number;
  /** Segments of one SMS, and of all of them (what the providers bill). */
  segmentsEach: number;
  segmentsTotal: number;
}

/** preview: shown, waiting for 确认 NNNN; sending: confirmed, messages recorded; done: the cadre has the delivery figures. */
export type AnnouncementState = 'preview' | 'sending' | 'done';

/** A notice to every household of a village (村务通知): previewed, confirmed, sent once per household. */
export const announcements = jifen.table('announcements', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  villageId: integer('village_id').notNull().references(() => villages.id),
  text: text('text').notNull(),
  /** The cadre who asked; null from the CLI. */
  cadreId: integer('cadre_id').references(() => cadres.id),
  /** The 通知 message; a message asks once. */
  requestedBy: bigint('requested_by', { mode: 'number' }).unique().references(() => inboundMessages.id),
  /** Four digits the cadre sends back (确认 NNNN). */
  confirmCode: text('confirm_code').notNull(),
  preview: jsonb('preview').$type<AnnouncementPreview>().notNull(),
  state: text('state').$type<AnnouncementState>().notNull().default('preview'),
  /** A preview not confirmed by then lapses. */
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
  confirmedBy: bigint('confirmed_by', { mode: 'number' }).references(() => inboundMessages.id),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
  createdAt: createdAt(),
});

export type Announcement = typeof announcements.$inferSelect;
