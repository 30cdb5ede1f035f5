import path from 'node:path';
import pg from 'pg';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import type { Config } from '../config.ts';
import * as schema from './schema/index.ts';
import { packageRoot } from '../package-root.ts';
import { DropTolerantClient } from './pg-client.ts';
import { findRunningServer, startEmbeddedServer, type EmbeddedServer } from './embedded.ts';

export type Db = NodePgDatabase<typeof schema>;
/** An open transaction (or savepoint): what must commit together takes one of these. */
export type Transaction = Parameters<Parameters<Db['transaction']>[0]>[0];
/** A database handle or an open transaction: services that read or write one thing accept either. */
export type Executor = Db | Transaction;

export interface Database {
  db: Db;
  pool: pg.Pool;
  /** Connection string for other clients (BullMQ's PostgreSQL backend). */
  url: string;
  /** True when this process serves the embedded PostgreSQL. */
  embedded: boolean;
  close(): Promise<void>;
}

const MIGRATIONS = path.join(packageRoot, 'migrations');
const MIGRATION_LOCK = 7_001_001;

/** Postgres returns bigint counts and sums as strings; these are point totals, well within 2^53. */
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

async function migrateUnderLock(pool: pg.Pool): Promise<void> {
  // Several processes may start at once against one PostgreSQL: one migrates, the others wait.
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await migrate(drizzle(client, { schema }), { migrationsFolder: MIGRATIONS });
  } finally {
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    client.release();
  }
}

export interface OpenOptions {
  /** Always start the embedded server (npm start) rather than join a running one. */
  serve?: boolean;
  /** The embedded server this process is starting already: `npm start` starts it before loading the rest of jifen. */
  starting?: Promise<EmbeddedServer>;
  poolSize?: number;
}

/**
 * Opens the database the configuration names: DATABASE_URL, or the embedded PostgreSQL in DATA_DIR.
 * In embedded mode a second process (the CLI, `npm run worker`) joins the running server's
 * database instead of starting its own; `serve: true` always starts one, and PostgreSQL's own
 * lock on the data folder refuses it while another server runs there.
 */
export async function openDatabase(config: Config, options: OpenOptions = {}): Promise<Database> {
  let embedded: EmbeddedServer | undefined;
  let url = config.databaseUrl;
  if (!url) {
    url = options.serve || options.starting ? undefined : await findRunningServer(config.dataDir);
    if (!url) {
      embedded = await (options.starting ?? startEmbeddedServer(config.dataDir));
      url = embedded.url;
    }
  }
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10, Client: DropTolerantClient });
  pool.on('error', () => {}); // an idle client's lost connection is replaced on next use
  try {
    await migrateUnderLock(pool);
  } catch (error) {
    await pool.end();
    await embedded?.stop();
    throw error;
  }
  return {
    db: drizzle(pool, { schema }),
    pool,
    url,
    embedded: embedded !== undefined,
    async close() {
      await pool.end();
      await embedded?.stop();
    },
  };
}
