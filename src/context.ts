import path from 'node:path';
import { createChannels, type ChannelAdapter, type Channels } from '../channels/index.ts';
import { configuredSecrets, type Config } from './config.ts';
import { openDatabase, type Database, type Db, type OpenOptions } from './db/database.ts';
import { Reachability } from './db/reachability.ts';
import { createLogger, type Logger } from './log.ts';
import { InboundSpool, spoolDatabaseName } from './messages/spool.ts';
import { deleteRelayed, DirectOutbox, type Outbox } from './plans/outbox.ts';
import { createQueueBackend } from './queue/backend.ts';
import { JobsClient } from './queue/jobs-client.ts';

/** The plain services every part of jifen shares: the HTTP app decorates itself with them, workers take them as they are. */
export interface Context {
  config: Config;
  log: Logger;
  database: Database;
  /** The database, or inside runInTransaction the open transaction. */
  db: Db;
  /** The queue client: only the outbox relay, schedulers and tests add jobs with it directly. */
  jobs: JobsClient;
  /** Where work asks for follow-up jobs and sends: written with its transaction, relayed after commit. */
  outbox: Outbox;
  /** True inside runInTransaction. */
  inTransaction?: boolean;
  channels: Channels;
  /** Where webhooks keep what PostgreSQL could not take (DATA_DIR/spool), until it is imported. */
  spool: InboundSpool;
  /** Whether webhooks may wait for PostgreSQL now, and how long (INBOUND_STORE_TIMEOUT_MS). */
  reachability: Reachability;
}

export async function createContext(config: Config, options: Pick<OpenOptions, 'serve' | 'starting'> & { log?: Logger } = {}): Promise<Context> {
  const log = options.log ?? createLogger(config.logLevel, undefined, configuredSecrets(config));
  const database = await openDatabase(config, { serve: options.serve, starting: options.starting });
  const jobs = new JobsClient(await createQueueBackend(config, database.url));
  const context: Context = {
    config, log, database, db: database.db, jobs, outbox: new DirectOutbox(() => context), channels: createChannels(config, log),
    spool: new InboundSpool(path.join(config.dataDir, 'spool'), spoolDatabaseName(database.url)),
    reachability: new Reachability(config.operations.inboundStoreTimeoutMs),
  };
  return context;
}

export async function closeContext(context: Context): Promise<void> {
  await deleteRelayed(context);
  await context.jobs.close();
  await context.database.close();
}

/** The adapter that sends on a channel. */
export function senderOf(context: Context, channel: string): ChannelAdapter {
  const adapter = context.channels.sender(channel);
  if (!adapter?.send) throw new Error(`no provider sends on channel ${channel}`);
  return adapter;
}
