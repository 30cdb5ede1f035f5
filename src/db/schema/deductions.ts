import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, integer, text } from 'drizzle-orm/pg-core';
import { eventColumns } from './events.ts';
import { createdAt, jifen } from './namespace.ts';
import { ledgerTransactions } from './ledger.ts';
import { inboundMessages } from './messages.ts';
import { rules } from './rules.ts';
import { cadres, households, villages } from './villages.ts';

/** recorded → appealed (申诉) → upheld (维持) | changed (改) | revoked (撤销); a cadre may also change or revoke one not appealed. */
export const DEDUCTION_STATES = ['recorded', 'appealed', 'upheld', 'changed', 'revoked'] as const;
export type DeductionState = (typeof DEDUCTION_STATES)[number];

/**
 * One deduction from the negative list (负面清单), recorded even when the household had no points
 * to take: the record is what a household appeals against and what the village reports on.
 */
export const deductions = jifen.table('deductions', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  /** Names the business event (deduction-message-12-N01): recording it again returns this row. */
  key: text('key').notNull().unique(),
  villageId: integer('village_id').notNull().references(() => villages.id),
  householdId: integer('household_id').notNull().references(() => households.id),
  ruleId: integer('rule_id').notNull().references(() => rules.id),
  /** Four digits for "申诉 1234": derived from the id, so it needs no allocation; the newest deduction wins a repeat. */
  reference: integer('reference').generatedAlwaysAs(sql`1000 + id % 9000`).notNull(),
  /** What the list says the item costs, and what the balance allowed (never below zero). */
  pointsListed: integer('points_listed').notNull(),
  pointsTaken: integer('points_taken').notNull(),
  cadreId: integer('cadre_id').notNull().references(() => cadres.id),
  messageId: bigint('message_id', { mode: 'number' }).references(() => inboundMessages.id),
  state: text('state').$type<DeductionState>().notNull().default('recorded'),
  /** The posting; null when nothing was taken (a zero balance). */
  transactionId: bigint('transaction_id', { mode: 'number' }).references(() => ledgerTransactions.id),
  /** A deduction that replaced an earlier one (改). */
  replacesId: bigint('replaces_id', { mode: 'number' }),
  createdAt: createdAt(),
}, (t) => [index('deductions_reference').on(t.villageId, t.reference), index('deductions_household').on(t.householdId)]);

/** Every change of a deduction: the appeal and the decision, who, when, which channel, why. Append-only. */
export const deductionEvents = jifen.table('deduction_events', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  deductionId: bigint('deduction_id', { mode: 'number' }).notNull().references(() => deductions.id),
  fromState: text('from_state').$type<DeductionState>(),
  toState: text('to_state').$type<DeductionState>().notNull(),
  ...eventColumns(),
}, (t) => [index('deduction_events_deduction').on(t.deductionId), index('deduction_events_message').on(t.messageId)]);

export type Deduction = typeof deductions.$inferSelect;
export type DeductionEvent = typeof deductionEvents.$inferSelect;
