import { pgSchema, timestamp } from 'drizzle-orm/pg-core';

/** All of jifen's tables live in their own schema, apart from BullMQ's. */
export const jifen = pgSchema('jifen');

export const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
