import path from 'node:path';
import { optional, type Env } from '../env.ts';

export interface BackupSettings {
  /** Where backups are written: BACKUP_DIR, default DATA_DIR/backups. */
  dir: string;
  /** How many backups are kept (BACKUP_KEEP, default 14); older ones are removed after each new one. */
  keep: number;
  /** The daily backup's time (BACKUP_CRON, a cron pattern in BACKUP_TIMEZONE); run only on the embedded default. */
  cron: string;
  timezone: string;
}

export function backupSettings(env: Env, dataDir: string): BackupSettings {
  const keep = Number(optional(env, 'BACKUP_KEEP') ?? 14);
  if (!Number.isInteger(keep) || keep < 1) throw new Error(`BACKUP_KEEP must be a whole number ≥ 1, got "${env.BACKUP_KEEP}"`);
  const base = dataDir === ':memory:' ? 'data' : dataDir;
  return {
    dir: path.resolve(optional(env, 'BACKUP_DIR') ?? path.join(base, 'backups')),
    keep,
    cron: optional(env, 'BACKUP_CRON') ?? '30 3 * * *',
    timezone: optional(env, 'BACKUP_TIMEZONE') ?? 'Asia/Shanghai',
  };
}
