import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBaseBackup, restoreBaseBackup } from '../../src/backups/base-backup.ts';
import { runDailyBackup } from '../../src/backups/schedule.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import type { Context } from '../../src/context.ts';
import { openDatabase, type Database } from '../../src/db/database.ts';
import { householdBalance } from '../../src/ledger/balance.ts';
import { verifyLedger } from '../../src/ledger/verify.ts';
import { createLogger } from '../../src/log.ts';
import { importVillage } from '../../src/village/import.ts';
import { readVillageFile } from '../../src/village/village-file.ts';
import { testBackend } from '../support/backend.ts';
import { EXAMPLE_VILLAGE } from '../support/jifen.ts';
import { award } from '../support/records.ts';

const CODES = ['FNP-001', 'FNP-002', 'FNP-003', 'FNP-040'];

/** The embedded default in a data folder of its own, as `npm start` runs it. */
const embeddedConfig = (dataDir: string): Config => ({ ...loadConfig({ ...process.env, DATABASE_URL: '', REDIS_URL: '', LOG_LEVEL: 'silent' }), dataDir, databaseUrl: undefined });

// Runs its own embedded PostgreSQL whatever the backend: once, in the embedded project.
describe.runIf(testBackend === 'embedded')('base backups of the embedded default', () => {
  let root: string;
  let source: Database;
  let restored: Database | undefined;
  const backups = () => path.join(root, 'backups');
  const balances = async (db: Database['db']) => Promise.all(CODES.map((code) => householdBalance(db, code)));

  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'jifen-base-backup-'));
    await fs.chmod(root, 0o711); // run as root, PostgreSQL runs as postgres: it must pass through to the data folders
    source = await openDatabase(embeddedConfig(path.join(root, 'data')), { serve: true });
    await importVillage(source.db, await readVillageFile(EXAMPLE_VILLAGE));
  });
  afterAll(async () => {
    await restored?.close();
    await source?.close();
    await fs.rm(root, { recursive: true, force: true });
  });

  it('restores into a fresh data folder while jifen ran: ledger verify ok, the balances at the backup', async () => {
    const context = { db: source.db } as Context;
    await award(context, 'FNP-001', 30);
    await award(context, 'FNP-002', 12);
    const atBackup = await balances(source.db);
    const backup = await createBaseBackup(source.url, path.join(root, 'data'), { dir: backups(), keep: 3 });
    expect(backup.file.endsWith('.base.tar.gz')).toBe(true);
    await award(context, 'FNP-003', 5); // after the backup: not in it

    const fresh = path.join(root, 'fresh');
    expect(await restoreBaseBackup(fresh, backup.file)).toEqual({ restored: backup.file });
    restored = await openDatabase(embeddedConfig(fresh), { serve: true });
    expect(await verifyLedger(restored.db)).toMatchObject({ ok: true, problems: [] });
    expect(await balances(restored.db)).toEqual(atBackup);
    expect((await householdBalance(restored.db, 'FNP-001')).balance).toBe(30);
    expect((await householdBalance(restored.db, 'FNP-003')).balance).toBe(0);
  });

  it('refuses to restore under a running jifen, and a file that is not a base backup changes nothing', async () => {
    const [backup] = (await fs.readdir(backups())).map((name) => path.join(backups(), name));
    await expect(restoreBaseBackup(path.join(root, 'data'), backup!)).rejects.toThrow(/stop it before restoring/);
    await restored!.close();
    restored = undefined;
    const bogus = path.join(root, 'bogus.base.tar.gz');
    await fs.writeFile(bogus, 'garbage');
    await expect(restoreBaseBackup(path.join(root, 'fresh'), bogus)).rejects.toThrow();
    restored = await openDatabase(embeddedConfig(path.join(root, 'fresh')), { serve: true });
    expect((await householdBalance(restored.db, 'FNP-001')).balance).toBe(30);
  });

  it('the daily job writes one into the configured folder and keeps the newest BACKUP_KEEP', async () => {
    const daily = path.join(root, 'daily');
    const config = embeddedConfig(path.join(root, 'data'));
    const context = { database: source, config: { ...config, backups: { ...config.backups, dir: daily, keep: 1 } }, log: createLogger('silent') } as unknown as Context;
    for (let i = 0; i < 2; i++) await runDailyBackup(context);
    const left = await fs.readdir(daily);
    expect(left).toHaveLength(1);
    expect(left.every((name) => name.endsWith('.base.tar.gz'))).toBe(true);
  });
});
