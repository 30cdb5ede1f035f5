import fs from 'node:fs/promises';
import { sql } from 'drizzle-orm';
import type { Context } from '../context.ts';
import { isDatabaseUnreachable } from '../db/errors.ts';
import { spoolImported } from '../metrics/process-metrics.ts';
import { acceptInbound } from './inbound.ts';
import type { ClaimedFile } from './spool.ts';
import { decodeSpool } from './spool-file.ts';
import { outageNoncesOf, type LocalNonce } from './outage-nonces.ts';
import { claimNonce } from './replay-nonces.ts';

export interface SpoolImport {
  files: number;
  stored: number;
  /** Already stored (directly, or by an earlier import that crashed before removing its file). */
  duplicates: number;
  /** Corrupt lines (a torn last line after a crash) and messages PostgreSQL refused, kept in `<file>.rejected`. */
  rejected: number;
  /** Nonces taken while PostgreSQL was unreachable, handed to it. */
  nonces: number;
}

/**
 * One claimed file into PostgreSQL, through acceptInbound like any webhook (unique on channel +
 * provider id, and its intake queued as usual), then removed. A line is only ever acted on by
 * storing it, so a crash anywhere re-imports the file and stores nothing twice; the file goes only
 * after every line is stored. Unreachable PostgreSQL stops the import and keeps the claim.
 */
async function importFile(context: Context, file: ClaimedFile, total: SpoolImport): Promise<void> {
  const { records, corrupt } = decodeSpool(await fs.readFile(file.path, 'utf8'));
  const rejected = corrupt.map((line) => line.text);
  for (const line of corrupt) context.log.warn({ file: file.original, line: line.line, reason: line.reason }, 'spool: corrupt line skipped (kept in the .rejected file)');
  for (const { message } of records) {
    try {
      const { duplicate } = await acceptInbound(context, message);
      total[duplicate ? 'duplicates' : 'stored']++;
      spoolImported.inc({ result: duplicate ? 'duplicate' : 'stored' });
    } catch (error) {
      if (isDatabaseUnreachable(error)) throw error;
      context.log.error({ file: file.original, externalId: message.externalId, err: error }, 'spool: message refused by PostgreSQL (kept in the .rejected file)');
      rejected.push(JSON.stringify({ error: (error as Error).message, message }));
    }
  }
  if (rejected.length > 0) {
    const kept = await context.spool.reject(file, rejected);
    context.log.warn({ file: kept, lines: rejected.length }, 'spool: lines not imported');
    total.rejected += rejected.length;
    spoolImported.inc({ result: 'rejected' }, rejected.length);
  }
  await context.spool.remove(file);
  total.files++;
}

/**
 * Hands the nonces webhooks took while PostgreSQL was unreachable to it, so every process refuses
 * their replays from now on (they stay in the local memory too, until they expire: then they are
 * forgotten). A nonce PostgreSQL holds already (another machine took it meanwhile) stays its.
 */
async function handNoncesOver(context: Context, nonces: LocalNonce[], now: Date): Promise<number> {
  const local = outageNoncesOf(context);
  let handed = 0;
  for (const nonce of nonces) {
    if (nonce.expiresAt <= now) {
      await local.remove(nonce);
    } else if (!nonce.inPostgres) {
      await claimNonce(context.db, nonce.provider, nonce.nonce, nonce.expiresAt);
      await local.markInPostgres(nonce);
      handed++;
    }
  }
  return handed;
}

/** Imports every spool file of this database that no live importer holds. Throws (keeping its claims) while PostgreSQL is unreachable. */
export async function importSpool(context: Context, now = new Date()): Promise<SpoolImport> {
  const total: SpoolImport = { files: 0, stored: 0, duplicates: 0, rejected: 0, nonces: 0 };
  const nonces = (await outageNoncesOf(context).list()).filter((nonce) => !nonce.inPostgres || nonce.expiresAt <= now);
  if (nonces.length === 0 && (await context.spool.files()).length === 0) return total;
  // Claim nothing while PostgreSQL is down: a claimed file makes its writer start another.
  await context.db.execute(sql`select 1`);
  total.nonces = await handNoncesOver(context, nonces, now);
  for (const file of await context.spool.claim(now)) await importFile(context, file, total);
  if (total.files > 0 || total.nonces > 0) context.log.info(total, 'spool imported');
  return total;
}

const MAX_BACKOFF_MS = 60_000;

/**
 * Imports the spool at start and every SPOOL_IMPORT_EVERY_MS, backing off (doubling, up to a
 * minute) while PostgreSQL is unreachable. Returns how to stop it; a running import finishes first.
 */
export function keepImportingSpool(context: Context): { stop(): Promise<void> } {
  const every = context.config.operations.spoolImportEveryMs;
  let delay = every;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const round = async () => {
    try {
      await importSpool(context);
      delay = every;
    } catch (error) {
      delay = Math.min(delay * 2, MAX_BACKOFF_MS);
      const unreachable = isDatabaseUnreachable(error);
      context.log[unreachable ? 'info' : 'error']({ err: unreachable ? undefined : error, retryInMs: delay }, unreachable ? 'spool import waits for PostgreSQL' : 'spool import failed');
    }
    if (!stopped) schedule();
  };
  const schedule = () => {
    timer = setTimeout(() => { running = round(); }, delay);
    timer.unref();
  };
  running = round();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
