import type { Context } from '../context.ts';
import { QUEUES } from '../queue/jobs.ts';
import { createBaseBackup } from './base-backup.ts';

const SCHEDULER_ID = 'daily-backup';

/**
 * The embedded default keeps its data in DATA_DIR on one machine: a daily backup (BACKUP_CRON,
 * default 03:30 Asia/Shanghai) is registered for it. With an external PostgreSQL, backups are
 * the database operator's business (or `jifen backup` from cron).
 */
export async function scheduleDailyBackup(context: Context): Promise<void> {
  const { cron, timezone } = context.config.backups;
  const queue = context.jobs.backend.queue(QUEUES.maintenance);
  try {
    await queue.upsertJobScheduler(SCHEDULER_ID, { pattern: cron, tz: timezone }, { name: 'backup', data: {}, opts: { attempts: 3, backoff: { type: 'exponential', delay: 60_000 } } });
  } finally {
    await queue.close();
  }
}

/** The daily backup job of the embedded default: one base backup of its cluster, then rotation. */
export async function runDailyBackup(context: Context): Promise<void> {
  const backup = await createBaseBackup(context.database.url, context.config.dataDir, context.config.backups);
  context.log.info({ file: backup.file, bytes: backup.bytes, removed: backup.removed.length }, 'daily backup written');
}
