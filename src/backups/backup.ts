import fs from 'node:fs/promises';
import path from 'node:path';
import { findPgTool, runPgTool, serverMajorVersion } from './pg-tools.ts';
import { backupName, rotate, type Backup } from './files.ts';
import type { BackupSettings } from './settings.ts';

export type { Backup };

const SUFFIX = '.dump';

/**
 * Dumps the whole database (jifen's tables, the PostgreSQL queues, the migrations journal) in
 * pg_dump's custom format. The file appears under its final name only once complete; then the
 * oldest backups beyond `keep` are removed.
 */
export async function createBackup(databaseUrl: string, settings: Pick<BackupSettings, 'dir' | 'keep'>, now = new Date()): Promise<Backup> {
  const pgDump = await findPgTool('pg_dump', await serverMajorVersion(databaseUrl));
  await fs.mkdir(settings.dir, { recursive: true });
  const file = path.join(settings.dir, backupName(now, SUFFIX));
  const partial = `${file}.partial`;
  try {
    await runPgTool(pgDump, databaseUrl, ['--format=custom', '--no-owner', `--file=${partial}`]);
    await fs.rename(partial, file);
  } finally {
    await fs.rm(partial, { force: true });
  }
  const { size } = await fs.stat(file);
  return { file, bytes: size, removed: await rotate(settings, SUFFIX) };
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
