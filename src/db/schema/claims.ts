import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, integer, text, timestamp, unique, uniqueIndex } from 'drizzle-orm/pg-core';
import { eventColumns } from './events.ts';
import { createdAt, jifen } from './namespace.ts';
import { inboundMessages } from './messages.ts';
import { rules } from './rules.ts';
import { cadres, households, members, villages } from './villages.ts';

export const CLAIM_STATES = [
  'received', 'understood', 'validated', 'scored', 'awaiting_review',
  'approved', 'rejected', 'posted', 'invalid', 'cancelled',
  /** Approved and listed publicly (公示) for the village's publicity days before it posts; an objection sends it back to review. */
  'publicity',
] as const;
export type ClaimState = (typeof CLAIM_STATES)[number];

/** States in which a claim still holds its short reference; the reference is reusable once it leaves them. */
export const OPEN_CLAIM_STATES: readonly ClaimState[] = ['received', 'understood', 'validated', 'scored', 'awaiting_review', 'approved', 'publicity'];

/** States in which a claim counts against its item's cap: it passed validation and was not rejected. */
export const COUNTED_CLAIM_STATES: readonly ClaimState[] = ['validated', 'scored', 'awaiting_review', 'approved', 'publicity', 'posted'];

export const claims = jifen.table('claims', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  villageId: integer('village_id').notNull().references(() => villages.id),
  householdId: integer('household_id').notNull().references(() => households.id),
  memberId: integer('member_id').references(() => members.id),
  /** The message that claimed it; one message may claim several items, each once. */
  sourceMessageId: bigint('source_message_id', { mode: 'number' }).notNull().references(() => inboundMessages.id),
  ruleId: integer('rule_id').notNull().references(() => rules.id),
  text: text('text').notNull(),
  state: text('state').$type<ClaimState>().notNull(),
  /** The cap period the claim counts against, e.g. 2026-W48, 2026-11, 2026, 2026-T2. */
  periodKey: text('period_key').notNull(),
  points: integer('points'),
  /** Short number a cadre types on a feature phone ("同意 1234"). */
  reference: integer('reference'),
  reviewedBy: integer('reviewed_by').references(() => cadres.id),
  /** The cadre who entered it for the villager (口头申报), if a cadre did. */
  enteredBy: integer('entered_by').references(() => cadres.id),
  reason: text('reason'),
  claimedAt: timestamp('claimed_at', { withTimezone: true }).notNull(),
  createdAt: createdAt(),
}, (t) => [
  unique('claims_message_rule').on(t.sourceMessageId, t.ruleId),
  uniqueIndex('claims_open_reference').on(t.villageId, t.reference)
    .where(sql`reference is not null and state in (${sql.raw(OPEN_CLAIM_STATES.map((state) => `'${state}'`).join(','))})`),
  index('claims_cap').on(t.householdId, t.ruleId, t.periodKey),
  index('claims_awaiting').on(t.villageId, t.state),
  // The sweeper's look for claims stuck in a state the system moves on by itself.
  index('claims_unfinished').on(t.claimedAt).where(sql`state in ('understood', 'validated', 'scored', 'approved')`),
]);

/** The audit trail: every transition of a claim, who made it, when and why. Append-only. */
export const claimEvents = jifen.table('claim_events', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  claimId: bigint('claim_id', { mode: 'number' }).notNull().references(() => claims.id),
  fromState: text('from_state').$type<ClaimState>(),
  toState: text('to_state').$type<ClaimState>().notNull(),
  ...eventColumns(),
}, (t) => [index('claim_events_claim').on(t.claimId), index('claim_events_message').on(t.messageId)]);

export type Claim = typeof claims.$inferSelect;
