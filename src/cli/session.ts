import { pino } from 'pino';
import { configuredSecrets, loadConfig, type Config } from '../config.ts';
import type { Context } from '../context.ts';
import type { Db } from '../db/database.ts';
import { createLogger, type Logger } from '../log.ts';

/**
 * How a CLI command reaches jifen. Modules are imported when a command runs, not when the CLI
 * starts: `jifen balance` needs the database only, not the queues or any channel's SDK.
 * Logs go to stderr, so stdout carries the command's output alone (`--json` is JSON alone).
 */
export function cliLogger(config: Config = loadConfig()): Logger {
  return createLogger(process.env.LOG_LEVEL ?? 'warn', pino.destination(2), configuredSecrets(config));
}

/** Runs with the whole context: database, queues and channels (commands that queue or send). */
export async function withContext<T>(run: (context: Context) => Promise<T>): Promise<T> {
  const { closeContext, createContext } = await import('../context.ts');
  const config = loadConfig();
  const context = await createContext(config, { log: cliLogger(config) });
  try {
    return await run(context);
  } finally {
    await closeContext(context);
  }
}

/** Runs with the database alone (commands that only read or write rows); `url` is where it is served. */
export async function withDatabase<T>(run: (db: Db, url: string) => Promise<T>): Promise<T> {
  const { openDatabase } = await import('../db/database.ts');
  const database = await openDatabase(loadConfig(), { poolSize: 2 });
  try {
    return await run(database.db, database.url);
  } finally {
    await database.close();
  }
}

export type WithContext = typeof withContext;

/** A command's result: JSON with --json, else its text. */
export const print = (json: boolean, value: unknown, text: () => string) => console.log(json ? JSON.stringify(value) : text());
export type Print = typeof print;
