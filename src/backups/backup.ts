import fs from 'node:fs/promises';
import path from 'node:path';
import { findPgTool, runPgTool, serverMajorVersion } from './pg-tools.ts';
import type { BackupSettings } from './settings.ts';

const PREFIX = 'jifen-';
const SUFFIX = '.dump';

/** jifen-2026-12-03T14-05-00-000Z.dump: sorts by time as text. */
const backupName = (at: Date) => `${PREFIX}${at.toISOString().replaceAll(':', '-').replace('.', '-')}${SUFFIX}`;

export interface Backup {
  file: string;
  bytes: number;
  removed: string[];
}

/**
 * Dumps the whole database (jifen's tables, the PostgreSQL queues, the migrations journal) in
 * pg_dump's custom format. The file appears under its final name only once complete; then the
 * oldest backups beyond `keep` are removed.
 */
export async function createBackup(databaseUrl: string, settings: Pick<BackupSettings, 'dir' | 'keep'>, now = new Date()): Promise<Backup> {
  const pgDump = await findPgTool('pg_dump', await serverMajorVersion(databaseUrl));
  await fs.mkdir(settings.dir, { recursive: true });
  const file = path.join(settings.dir, backupName(now));
  const partial = `${file}.partial`;
  try {
    await runPgTool(pgDump, databaseUrl, ['--format=custom', '--no-owner', `--file=${partial}`]);
    await fs.rename(partial, file);
  } finally {
    await fs.rm(partial, { force: true });
  }
  const { size } = await fs.stat(file);
  return { file, bytes: size, removed: await rotate(settings) };
}

/** Removes the oldest backups beyond `keep`; returns their paths. */
async function rotate({ dir, keep }: Pick<BackupSettings, 'dir' | 'keep'>): Promise<string[]> {
  const backups = (await fs.readdir(dir)).filter((name) => name.startsWith(PREFIX) && name.endsWith(SUFFIX)).sort();
  const old = backups.slice(0, Math.max(0, backups.length - keep)).map((name) => path.join(dir, name));
  await Promise.all(old.map((file) => fs.rm(file, { force: true })));
  return old;
}

/**
 * Restores a backup into the database, replacing what it holds of the same objects
 * (one transaction: a failed restore leaves the database as it was). Stop jifen first.
 */
export async function restoreBackup(databaseUrl: string, file: string): Promise<void> {
  await fs.access(file);
  const pgRestore = await findPgTool('pg_restore', await serverMajorVersion(databaseUrl));
  await runPgTool(pgRestore, databaseUrl, ['--clean', '--if-exists', '--no-owner', '--single-transaction', '--exit-on-error', file]);
}
