import { bigserial, check, index, integer, jsonb, primaryKey, serial, text, timestamp } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { createdAt, jifen } from './namespace.ts';
import { cadres, households, villages } from './villages.ts';

/** A township (镇): the villages it oversees and its officers, from a township file (`jifen import`). */
export const townships = jifen.table('townships', {
  id: serial('id').primaryKey(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  createdAt: createdAt(),
});

export const townshipVillages = jifen.table('township_villages', {
  townshipId: integer('township_id').notNull().references(() => townships.id),
  villageId: integer('village_id').notNull().references(() => villages.id),
}, (t) => [primaryKey({ columns: [t.townshipId, t.villageId] })]);

/** A township officer: reads every village of the township in the console; decides nothing. */
export const officers = jifen.table('officers', {
  id: serial('id').primaryKey(),
  townshipId: integer('township_id').notNull().references(() => townships.id),
  name: text('name').notNull(),
  phone: text('phone').notNull().unique(),
  createdAt: createdAt(),
});

/** A six-digit code sent to a cadre or officer who asked to sign in to the console. */
export const consoleSignInCodes = jifen.table('console_sign_in_codes', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  phone: text('phone').notNull(),
  code: text('code').notNull(),
  /** Where the request came from: sign-in requests are limited per phone and per address. */
  ip: text('ip').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  attempts: integer('attempts').notNull().default(0),
  usedAt: timestamp('used_at', { withTimezone: true }),
  createdAt: createdAt(),
}, (t) => [index('console_codes_phone').on(t.phone, t.createdAt), index('console_codes_ip').on(t.ip, t.createdAt)]);

/** A signed-in console session; the cookie holds a random token, the row only its sha256. */
export const consoleSessions = jifen.table('console_sessions', {
  tokenHash: text('token_hash').primaryKey(),
  cadreId: integer('cadre_id').references(() => cadres.id),
  officerId: integer('officer_id').references(() => officers.id),
  ip: text('ip').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  endedAt: timestamp('ended_at', { withTimezone: true }),
  createdAt: createdAt(),
}, (t) => [check('console_session_one_person', sql`(${t.cadreId} is null) <> (${t.officerId} is null)`)]);

/** Every action taken in the console: who, when, from which address, what. Append-only. */
export const consoleAudit = jifen.table('console_audit', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  /** cadre:12, officer:3, or the phone (masked) of someone not yet signed in. */
  actor: text('actor').notNull(),
  ip: text('ip').notNull(),
  action: text('action').notNull(),
  detail: jsonb('detail'),
  at: createdAt(),
}, (t) => [index('console_audit_actor').on(t.actor, t.at)]);

export type Officer = typeof officers.$inferSelect;
export type Township = typeof townships.$inferSelect;
export type ConsoleSession = typeof consoleSessions.$inferSelect;

/**
 * A household card's 查分 link: the QR on the printed card carries a random token, the row only its
 * sha256. Printing new cards for a household revokes its old ones.
 */
export const householdCards = jifen.table('household_cards', {
  id: serial('id').primaryKey(),
  householdId: integer('household_id').notNull().references(() => households.id),
  tokenHash: text('token_hash').notNull().unique(),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
  createdAt: createdAt(),
}, (t) => [index('household_cards_household').on(t.householdId)]);
