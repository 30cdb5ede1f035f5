import { bigserial, index, integer, jsonb, serial, text, timestamp, unique } from 'drizzle-orm/pg-core';
import { createdAt, jifen } from './namespace.ts';
import { households, members } from './villages.ts';

/**
 * A member's consent as the village recorded it (PIPL article 14): where the member's data came
 * from (the village file's name, an Excel roster, an SMS binding of WeChat or QQ), for which purpose,
 * and since when. One row per source and purpose: importing the same file again keeps the first date.
 */
export const memberConsents = jifen.table('member_consents', {
  id: serial('id').primaryKey(),
  memberId: integer('member_id').notNull().references(() => members.id),
  /** village-file:fangniuping.yaml, roster-xlsx, sms-binding:wechat, sms-binding:qq. */
  source: text('source').notNull(),
  purpose: text('purpose').notNull(),
  consentedAt: timestamp('consented_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [unique('member_consents_once').on(t.memberId, t.source, t.purpose)]);

/** forget: a member's personal data removed; export: a household's data written out; retention: old messages purged. */
export type PrivacyAction = 'forget' | 'export' | 'retention';

/** Who did what to personal data, and when. Holds no personal data itself: ids and counts only. Append-only. */
export const privacyEvents = jifen.table('privacy_events', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  action: text('action').$type<PrivacyAction>().notNull(),
  /** Who asked: the operator's name given to the CLI, or system for the retention job. */
  actor: text('actor').notNull(),
  householdId: integer('household_id').references(() => households.id),
  memberId: integer('member_id').references(() => members.id),
  /** Counts of what changed (messages erased …). */
  detail: jsonb('detail').$type<Record<string, number | string>>(),
  at: createdAt(),
}, (t) => [index('privacy_events_household').on(t.householdId)]);

export type MemberConsent = typeof memberConsents.$inferSelect;
export type PrivacyEvent = typeof privacyEvents.$inferSelect;
