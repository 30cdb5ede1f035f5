import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, integer, text, timestamp, unique, uniqueIndex } from 'drizzle-orm/pg-core';
import { claims } from './claims.ts';
import { inboundMessages } from './messages.ts';
import { createdAt, jifen } from './namespace.ts';
import { rules } from './rules.ts';
import { cadres, households, members, villages } from './villages.ts';

/**
 * A meeting or a work day a cadre opened for check-in (签到): villagers who text its four-digit
 * code within the window get the item's points, the opening cadre's approval standing for review.
 */
export const checkinEvents = jifen.table('checkin_events', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  villageId: integer('village_id').notNull().references(() => villages.id),
  ruleId: integer('rule_id').notNull().references(() => rules.id),
  code: text('code').notNull(),
  openedBy: integer('opened_by').notNull().references(() => cadres.id),
  /** The cadre's 签到 message; null when opened from the CLI. A message opens one event. */
  openedByMessage: bigint('opened_by_message', { mode: 'number' }).unique().references(() => inboundMessages.id),
  opensAt: timestamp('opens_at', { withTimezone: true }).notNull(),
  closesAt: timestamp('closes_at', { withTimezone: true }).notNull(),
  /**
   * Set when it closed: by a cadre early (结束签到, closed_by; the window then ends there), or at the
   * end of its window (closes_at; by the checkin-close job or the sweeper). Null: still open.
   */
  closedAt: timestamp('closed_at', { withTimezone: true }),
  closedBy: integer('closed_by').references(() => cadres.id),
  createdAt: createdAt(),
}, (t) => [
  index('checkin_events_code').on(t.villageId, t.code, t.closesAt),
  // Two open events of a village never share a code, however many cadres open one at once.
  uniqueIndex('checkin_events_open_code').on(t.villageId, t.code).where(sql`closed_at is null`),
]);

/** attended: points given; the others are refusals, kept to answer clearly and to spot abuse. */
export const CHECKIN_OUTCOMES = ['attended', 'already', 'closed', 'cap_reached', 'other_household'] as const;
export type CheckinOutcome = (typeof CHECKIN_OUTCOMES)[number];

/** Every message that texted an event's code: who, for which household, and what came of it. */
export const checkinAttempts = jifen.table('checkin_attempts', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  eventId: bigint('event_id', { mode: 'number' }).notNull().references(() => checkinEvents.id),
  messageId: bigint('message_id', { mode: 'number' }).notNull().references(() => inboundMessages.id),
  /** The address it came from (a phone, a WeChat or QQ id). */
  sender: text('sender').notNull(),
  memberId: integer('member_id').references(() => members.id),
  /** The household the check-in was for. */
  householdId: integer('household_id').notNull().references(() => households.id),
  outcome: text('outcome').$type<CheckinOutcome>().notNull(),
  claimId: bigint('claim_id', { mode: 'number' }).references(() => claims.id),
  at: createdAt(),
}, (t) => [
  unique('checkin_attempts_message').on(t.messageId),
  // once per household per event
  uniqueIndex('checkin_attended_once').on(t.eventId, t.householdId).where(sql`outcome = 'attended'`),
  index('checkin_attempts_sender').on(t.eventId, t.sender),
]);

export type CheckinEvent = typeof checkinEvents.$inferSelect;
export type NewCheckinEvent = typeof checkinEvents.$inferInsert;
export type CheckinAttempt = typeof checkinAttempts.$inferSelect;
