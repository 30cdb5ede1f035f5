import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { withDatabase, type Print } from './session.ts';

/**
 * `jifen backup` and `jifen restore <file>`: on the embedded default a base backup of its cluster
 * (it ships no pg_dump); with DATABASE_URL, pg_dump / pg_restore of the database jifen uses.
 */
export function registerBackupCommands(program: Command, print: Print): void {
  program.command('backup')
    .description('back the database up to BACKUP_DIR (default DATA_DIR/backups), keeping the newest BACKUP_KEEP')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const config = loadConfig();
      const { createBackup } = await import('../backups/backup.ts');
      const { createBaseBackup } = await import('../backups/base-backup.ts');
      const backup = await withDatabase((_db, url) => (config.databaseUrl ? createBackup(url, config.backups) : createBaseBackup(url, config.dataDir, config.backups)));
      print(!!options.json, backup, () => `backup written to ${backup.file} (${backup.bytes} bytes)${backup.removed.length ? `; removed ${backup.removed.length} old backup(s)` : ''}`);
    });

  program.command('restore <file>')
    .description('restore a backup, replacing the database\'s contents (stop jifen first): a .base.tar.gz into DATA_DIR, a .dump into DATABASE_URL')
    .option('--json', 'print JSON')
    .action(async (file: string, options: { json?: boolean }) => {
      const { BASE_BACKUP_SUFFIX, restoreBaseBackup } = await import('../backups/base-backup.ts');
      if (file.endsWith(BASE_BACKUP_SUFFIX)) {
        const result = await restoreBaseBackup(loadConfig().dataDir, file);
        return print(!!options.json, result, () => `restored ${file}${result.previous ? `; the cluster it replaced is kept in ${result.previous}` : ''}`);
      }
      const { restoreBackup } = await import('../backups/backup.ts');
      await withDatabase((_db, url) => restoreBackup(url, file));
      print(!!options.json, { restored: file }, () => `restored ${file}`);
    });
}
