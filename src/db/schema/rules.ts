import { sql } from 'drizzle-orm';
import { boolean, check, integer, serial, text, unique } from 'drizzle-orm/pg-core';
import { createdAt, jifen } from './namespace.ts';
import { villages } from './villages.ts';

/** week | month | year | term (school term); null = no cap. */
export type CapPeriod = 'week' | 'month' | 'year' | 'term';

/** One item of the positive list (正面清单, kind earn) or the negative list (负面清单, kind deduct). */
export const rules = jifen.table('rules', {
  id: serial('id').primaryKey(),
  villageId: integer('village_id').notNull().references(() => villages.id),
  code: text('code').notNull(),
  kind: text('kind', { enum: ['earn', 'deduct'] }).notNull(),
  category: text('category').notNull(),
  name: text('name').notNull(),
  /** The village file's `short:` name, for SMS that must fit one segment. */
  shortName: text('short_name'),
  points: integer('points').notNull(),
  cap: integer('cap'),
  per: text('per').$type<CapPeriod>(),
  evidence: text('evidence'),
  keywords: text('keywords').array().notNull().default([]),
  /** Needs two different approvers (两人审核), whatever its points. */
  twoPerson: boolean('two_person').notNull().default(false),
  active: boolean('active').notNull().default(true),
  createdAt: createdAt(),
}, (t) => [unique('rules_village_code').on(t.villageId, t.code)]);

/** The points supermarket (积分超市) catalogue; stock null = a service without stock. */
export const catalogueItems = jifen.table('catalogue_items', {
  id: serial('id').primaryKey(),
  villageId: integer('village_id').notNull().references(() => villages.id),
  code: text('code').notNull(),
  name: text('name').notNull(),
  points: integer('points').notNull(),
  stock: integer('stock'),
  createdAt: createdAt(),
}, (t) => [unique('catalogue_village_code').on(t.villageId, t.code), check('catalogue_stock_never_negative', sql`${t.stock} >= 0`)]);

export type Rule = typeof rules.$inferSelect;
export type CatalogueItem = typeof catalogueItems.$inferSelect;
