import { boolean, index, integer, jsonb, serial, text, unique } from 'drizzle-orm/pg-core';
import { createdAt, jifen } from './namespace.ts';

export interface VillageSettings {
  weeklyNotification?: { day: string; time: string };
  quietHours?: { from: string; to: string };
  publicityDays?: number;
  pointsExpire?: string;
  smsSenderNumber?: string;
  /** The village's own dialect words for understanding messages (坝子 → 院坝). */
  synonyms?: Record<string, string>;
  /** Reminders, escalation and the two-person rule of cadre review (see src/reviews/policy.ts for the defaults). */
  review?: { remindAfterHours?: number; escalateAfterHours?: number; twoPersonMinPoints?: number };
  /** 星级文明户: one star per threshold reached by the household's net points of the period (see the village file). */
  stars?: { per: 'year' | 'month' | 'all'; thresholds: number[] };
  /** Set only when the village chose full names on its public pages (default: masked, 王*英), with who chose it. */
  publicFullNames?: { chosenBy: string; chosenOn: string };
}

export const villages = jifen.table('villages', {
  id: serial('id').primaryKey(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  town: text('town'),
  district: text('district'),
  timezone: text('timezone').notNull().default('Asia/Shanghai'),
  settings: jsonb('settings').$type<VillageSettings>().notNull().default({}),
  /** Counts imports: the compiled understanding of the village is rebuilt when it changes. */
  vocabularyVersion: integer('vocabulary_version').notNull().default(0),
  createdAt: createdAt(),
});

export const households = jifen.table('households', {
  id: serial('id').primaryKey(),
  villageId: integer('village_id').notNull().references(() => villages.id),
  code: text('code').notNull().unique(),
  head: text('head').notNull(),
  groupName: text('group_name'),
  createdAt: createdAt(),
}, (t) => [index('households_village').on(t.villageId, t.id)]);

export const members = jifen.table('members', {
  id: serial('id').primaryKey(),
  householdId: integer('household_id').notNull().references(() => households.id),
  name: text('name').notNull(),
  phone: text('phone').unique(),
  wechat: text('wechat').unique(),
  /** A QQ address (user:<openid>, group:<group>:<member>), bound by the member with an SMS code. */
  qq: text('qq').unique(),
  prefers: text('prefers').notNull().default('sms'),
  createdAt: createdAt(),
}, (t) => [unique('members_household_name').on(t.householdId, t.name)]);

export const cadres = jifen.table('cadres', {
  id: serial('id').primaryKey(),
  villageId: integer('village_id').notNull().references(() => villages.id),
  name: text('name').notNull(),
  role: text('role').notNull(),
  phone: text('phone').notNull().unique(),
  wechat: text('wechat'),
  /** A QQ address bound by the cadre with an SMS code. */
  qq: text('qq'),
  /** sms | wechat: where review requests reach the cadre first (SMS is the fallback). */
  prefers: text('prefers').notNull().default('sms'),
  canApprove: boolean('can_approve').notNull().default(false),
  canRedeem: boolean('can_redeem').notNull().default(false),
  /** May send announcements (村务通知) to every household. */
  canAnnounce: boolean('can_announce').notNull().default(false),
  /** Gets a claim's first review request; with nobody marked, every approver does. */
  reviewsFirst: boolean('reviews_first').notNull().default(false),
  /** The cadre's own household, whose claims they may never approve. */
  householdId: integer('household_id').references(() => households.id),
  createdAt: createdAt(),
});

export type Village = typeof villages.$inferSelect;
export type Household = typeof households.$inferSelect;
export type Member = typeof members.$inferSelect;
export type Cadre = typeof cadres.$inferSelect;
