import fs from 'node:fs/promises';
import path from 'node:path';
import type { BackupSettings } from './settings.ts';

const PREFIX = 'jifen-';

/** jifen-2026-12-03T14-05-00-000Z.dump: sorts by time as text. */
export const backupName = (at: Date, suffix: string) => `${PREFIX}${at.toISOString().replaceAll(':', '-').replace('.', '-')}${suffix}`;

export interface Backup {
  file: string;
  bytes: number;
  removed: string[];
}

/** Removes the oldest backups of this kind (suffix) beyond `keep`; returns their paths. */
export async function rotate({ dir, keep }: Pick<BackupSettings, 'dir' | 'keep'>, suffix: string): Promise<string[]> {
  const backups = (await fs.readdir(dir)).filter((name) => name.startsWith(PREFIX) && name.endsWith(suffix)).sort();
  const old = backups.slice(0, Math.max(0, backups.length - keep)).map((name) => path.join(dir, name));
  await Promise.all(old.map((file) => fs.rm(file, { force: true })));
  return old;
}
