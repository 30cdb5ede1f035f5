import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { withDatabase, type Print } from './session.ts';

/** `jifen backup` and `jifen restore <file>`: pg_dump / pg_restore of the database jifen uses. */
export function registerBackupCommands(program: Command, print: Print): void {
  program.command('backup')
    .description('dump the database to BACKUP_DIR (default DATA_DIR/backups), keeping the newest BACKUP_KEEP')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const { createBackup } = await import('../backups/backup.ts');
      const backup = await withDatabase((_db, url) => createBackup(url, loadConfig().backups));
      print(!!options.json, backup, () => `backup written to ${backup.file} (${backup.bytes} bytes)${backup.removed.length ? `; removed ${backup.removed.length} old backup(s)` : ''}`);
    });

  program.command('restore <file>')
    .description('restore a backup into the database, replacing its contents (stop jifen first)')
    .option('--json', 'print JSON')
    .action(async (file: string, options: { json?: boolean }) => {
      const { restoreBackup } = await import('../backups/backup.ts');
      await withDatabase((_db, url) => restoreBackup(url, file));
      print(!!options.json, { restored: file }, () => `restored ${file}`);
    });
}
