import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackup, restoreBackup } from '../../src/backups/backup.ts';
import { findPgTool } from '../../src/backups/pg-tools.ts';
import { openDatabase, type Database } from '../../src/db/database.ts';
import { householdBalance } from '../../src/ledger/balance.ts';
import { verifyLedger } from '../../src/ledger/verify.ts';
import { closeContext, createContext, type Context } from '../../src/context.ts';
import { createLogger } from '../../src/log.ts';
import { importVillage } from '../../src/village/import.ts';
import { readVillageFile } from '../../src/village/village-file.ts';
import { createTestDatabase, testBackend, type TestDatabase } from '../support/backend.ts';
import { EXAMPLE_VILLAGE } from '../support/jifen.ts';
import { award } from '../support/records.ts';

// pg_dump backups are for an external PostgreSQL: the embedded server (PostgreSQL 18) ships no pg_dump and
// is backed up by a base backup of its cluster instead (base-backup.test.ts).
describe.skipIf(testBackend === 'embedded')(`backups (${testBackend})`, () => {
  let source: TestDatabase;
  let target: TestDatabase;
  let context: Context;
  let restored: Database | undefined;
  let dir: string;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'jifen-backups-'));
    source = await createTestDatabase();
    target = await createTestDatabase();
    context = await createContext(source.config, { log: createLogger('silent') });
    await importVillage(context.db, await readVillageFile(EXAMPLE_VILLAGE));
    await award(context, 'FNP-001', 30);
    await award(context, 'FNP-002', 12);
  });
  afterAll(async () => {
    await restored?.close();
    await closeContext(context);
    await source.drop();
    await target.drop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('restores a backup into a fresh database: ledger verify ok, the same balances', async () => {
    const backup = await createBackup(source.config.databaseUrl!, { dir, keep: 3 });
    expect(backup.bytes).toBeGreaterThan(1000);
    await restoreBackup(target.config.databaseUrl!, backup.file);
    restored = await openDatabase(target.config);
    expect(await verifyLedger(restored.db)).toMatchObject({ ok: true, problems: [] });
    for (const code of ['FNP-001', 'FNP-002', 'FNP-040']) {
      expect(await householdBalance(restored.db, code)).toEqual(await householdBalance(context.db, code));
    }
    expect((await householdBalance(restored.db, 'FNP-001')).balance).toBe(30);
  });

  it('keeps the newest backups only, and names them so they sort by time', async () => {
    const made = [];
    for (const minute of [1, 2, 3, 4]) made.push(await createBackup(source.config.databaseUrl!, { dir, keep: 2 }, new Date(Date.UTC(2030, 0, 1, 0, minute))));
    const left = (await fs.readdir(dir)).sort();
    expect(left).toEqual([path.basename(made[2]!.file), path.basename(made[3]!.file)]);
    expect(made[3]!.removed.length + made[2]!.removed.length).toBeGreaterThan(0);
    expect(left.some((name) => name.endsWith('.partial'))).toBe(false);
  });

  it('refuses a pg_dump older than the server, naming what to install', async () => {
    await expect(findPgTool('pg_dump', 99, { PG_BIN_DIR: dir })).rejects.toThrow(/no pg_dump of PostgreSQL 99 or newer found.*PG_BIN_DIR/);
  });

  it('a failed restore changes nothing', async () => {
    const bogus = path.join(dir, 'not-a-backup.dump');
    await fs.writeFile(bogus, 'garbage');
    await expect(restoreBackup(target.config.databaseUrl!, bogus)).rejects.toThrow();
    expect(await verifyLedger(restored!.db)).toMatchObject({ ok: true });
    expect((await householdBalance(restored!.db, 'FNP-001')).balance).toBe(30);
  });
});
