import { bigint, bigserial, index, integer, jsonb, text, timestamp } from 'drizzle-orm/pg-core';
import { createdAt, jifen } from './namespace.ts';
import { ledgerTransactions } from './ledger.ts';
import { cadres, households, villages } from './villages.ts';

export interface RedeemedLine {
  goodsId: number;
  code: string;
  name: string;
  quantity: number;
  points: number;
}

/** One redemption at the points supermarket (积分超市): goods taken, points paid; reversed by a new posting. */
export const redemptions = jifen.table('redemptions', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  /** Names the business event (redemption-message-12, an API caller's key): recording it again returns this row. */
  key: text('key').notNull().unique(),
  villageId: integer('village_id').notNull().references(() => villages.id),
  householdId: integer('household_id').notNull().references(() => households.id),
  cadreId: integer('cadre_id').references(() => cadres.id),
  lines: jsonb('lines').$type<RedeemedLine[]>().notNull(),
  points: integer('points').notNull(),
  state: text('state').$type<'done' | 'reversed'>().notNull().default('done'),
  /** The posting; null for goods priced at zero points. */
  transactionId: bigint('transaction_id', { mode: 'number' }).references(() => ledgerTransactions.id),
  reversalTransactionId: bigint('reversal_transaction_id', { mode: 'number' }).references(() => ledgerTransactions.id),
  reversedBy: integer('reversed_by').references(() => cadres.id),
  reversedAt: timestamp('reversed_at', { withTimezone: true }),
  createdAt: createdAt(),
}, (t) => [index('redemptions_household').on(t.householdId)]);

export type RedemptionRecord = typeof redemptions.$inferSelect;
