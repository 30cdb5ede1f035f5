import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import * as tar from 'tar';
import { clusterIsRunning, startEmbeddedServer } from '../db/embedded.ts';
import { giveToServer, isInitialised } from '../db/postgres-cluster.ts';
import { backupName, rotate, type Backup } from './files.ts';
import type { BackupSettings } from './settings.ts';

export const BASE_BACKUP_SUFFIX = '.base.tar.gz';

/** What PostgreSQL's documentation says a base backup leaves out: runtime files, rebuilt at start (https://www.postgresql.org/docs/current/continuous-archiving.html#BACKUP-LOWLEVEL-BASE-BACKUP-DATA). */
const SKIPPED = new Set(['postmaster.pid', 'postmaster.opts', 'backup_label', 'tablespace_map', 'pg_internal.init']);
const EMPTIED = new Set(['pg_wal', 'pg_replslot', 'pg_dynshmem', 'pg_notify', 'pg_serial', 'pg_snapshots', 'pg_stat_tmp', 'pg_subtrans']);

const clusterOf = (dataDir: string) => path.join(dataDir, 'postgres');

/** Copies the cluster's files as they are now (the server keeps writing: the WAL makes them consistent at restore). */
async function copyCluster(from: string, to: string): Promise<void> {
  await fs.cp(from, to, {
    recursive: true,
    filter: (source) => {
      const relative = path.relative(from, source);
      const [top] = relative.split(path.sep);
      if (relative === '') return true;
      if (SKIPPED.has(path.basename(source)) || path.basename(source).startsWith('pgsql_tmp')) return false;
      return !(top && EMPTIED.has(top) && relative !== top);
    },
  });
}

/**
 * A base backup of the embedded cluster, taken while jifen runs: PostgreSQL's low-level API
 * (pg_backup_start … pg_backup_stop) around a copy of the data folder, then the WAL written
 * meanwhile (a temporary replication slot keeps it from being recycled) and the backup_label
 * pg_backup_stop returns. The embedded package ships no pg_dump, and a pg_dump must be at least
 * the server's version: this needs no client program at all. The archive also holds DATA_DIR's
 * password file, whose password the restored cluster's user has.
 */
export async function createBaseBackup(url: string, dataDir: string, settings: Pick<BackupSettings, 'dir' | 'keep'>, now = new Date()): Promise<Backup> {
  await fs.mkdir(settings.dir, { recursive: true });
  const file = path.join(settings.dir, backupName(now, BASE_BACKUP_SUFFIX));
  const staging = `${file}.staging`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const slot = `jifen_backup_${randomBytes(4).toString('hex')}`;
    await client.query('select pg_create_physical_replication_slot($1, true, true)', [slot]);
    await client.query(`select pg_backup_start('jifen', true)`);
    let stopped = false;
    try {
      await copyCluster(clusterOf(dataDir), path.join(staging, 'postgres'));
      const { rows } = await client.query<{ labelfile: string }>('select labelfile from pg_backup_stop(false)');
      stopped = true;
      await fs.cp(path.join(clusterOf(dataDir), 'pg_wal'), path.join(staging, 'postgres', 'pg_wal'), { recursive: true });
      await fs.writeFile(path.join(staging, 'postgres', 'backup_label'), rows[0]!.labelfile);
    } finally {
      if (!stopped) await client.query('select pg_backup_stop(false)').catch(() => {});
    }
    await fs.copyFile(path.join(dataDir, 'password'), path.join(staging, 'password'));
    await tar.create({ gzip: { level: 1 }, file: `${file}.partial`, cwd: staging, portable: true }, ['postgres', 'password']);
    await fs.rename(`${file}.partial`, file);
  } finally {
    await client.end();
    await fs.rm(staging, { recursive: true, force: true });
    await fs.rm(`${file}.partial`, { force: true });
  }
  const { size } = await fs.stat(file);
  return { file, bytes: size, removed: await rotate(settings, BASE_BACKUP_SUFFIX) };
}

/**
 * Restores a base backup into DATA_DIR while no jifen runs there. The current cluster is kept
 * beside it (postgres.before-restore-…) until the operator removes it. PostgreSQL replays the
 * backup's WAL on the first start, done here once to check the restore before reporting it.
 */
export async function restoreBaseBackup(dataDir: string, file: string, now = new Date()): Promise<{ restored: string; previous?: string }> {
  await fs.access(file);
  if (await clusterIsRunning(dataDir)) throw new Error(`jifen is running on ${dataDir}: stop it before restoring`);
  await fs.mkdir(dataDir, { recursive: true });
  const staging = path.join(dataDir, `restore-${randomBytes(4).toString('hex')}`);
  await fs.mkdir(staging, { mode: 0o700 });
  const cluster = clusterOf(dataDir);
  const passwordFile = path.join(dataDir, 'password');
  const password = await fs.readFile(passwordFile).catch(() => undefined);
  const previous = `${cluster}.before-restore-${now.toISOString().replaceAll(':', '-')}`;
  let moved = false;
  try {
    await tar.extract({ file, cwd: staging, strict: true });
    if (!(await isInitialised(path.join(staging, 'postgres')))) throw new Error(`${file} is not a jifen base backup`);
    await giveToServer(path.join(staging, 'postgres'));
    if (await isInitialised(cluster)) {
      await fs.rename(cluster, previous);
      moved = true;
    }
    await fs.rename(path.join(staging, 'postgres'), cluster);
    await fs.copyFile(path.join(staging, 'password'), passwordFile);
    await fs.chmod(passwordFile, 0o600);
    const server = await startEmbeddedServer(dataDir);
    await server.stop();
  } catch (error) {
    if (moved) {
      await fs.rm(cluster, { recursive: true, force: true });
      await fs.rename(previous, cluster);
    }
    if (password) await fs.writeFile(passwordFile, password, { mode: 0o600 });
    throw error;
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }
  return { restored: file, ...(moved ? { previous } : {}) };
}
