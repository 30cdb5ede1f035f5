import path from 'node:path';
import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { sql } from 'drizzle-orm';
import { findCadre } from '../../src/directory.ts';
import { redeemAtCounter } from '../../src/console/counter.ts';
import { importTownship, readTownshipFile } from '../../src/village/township-file.ts';
import { fitsWidth, screenshots, signInAs, useConsole } from '../support/browser.ts';
import { people, referenceSentTo } from '../support/jifen.ts';

const TOWNSHIP = path.resolve(import.meta.dirname, '../../example/cizhu-township.yaml');
const luoXiaomei = '+8613900030001';

describe('console: the township dashboard and its Excel export (Chromium)', () => {
  const c = useConsole(async ({ jifen }) => {
    await importTownship(jifen.context.db, await readTownshipFile(TOWNSHIP));
    // Some activity: a claim approved by SMS and posted, a redemption at the counter.
    await jifen.sms(people.wangLanying, '今天把院坝扫干净了');
    await jifen.sms(people.liuFang, `同意 ${await referenceSentTo(jifen, people.liuFang)}`);
    await jifen.waitFor(async () => (await jifen.outbox(people.wangLanying)).some((t) => t.startsWith('已入账')), 'the posting');
    const keeper = (await findCadre(jifen.context.db, 'cli', people.ranDebing))!;
    await redeemAtCounter(jifen.context, keeper, 'FNP-003', [{ code: 'S08', quantity: 1 }], 'dashboard-test', '127.0.0.1');
  });

  it('an officer signs in, reads the dashboard and downloads the export, whose numbers are the ledger\'s', async () => {
    await signInAs(c.jifen, c.page, c.base, luoXiaomei);
    expect(new URL(c.page.url()).pathname).toBe('/console/dashboard');
    await c.page.waitForSelector('#chart canvas');
    expect(await c.page.textContent('tr[data-village=fangniuping] .issued')).toBe('2');
    await screenshots(c.page, 'dashboard');
    expect(await fitsWidth(c.page)).toBe(true);

    const [download] = await Promise.all([c.page.waitForEvent('download'), c.page.click('#export')]);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(await download.path());
    const sheet = workbook.getWorksheet('看板')!;
    const header = sheet.getRow(2).values as unknown[];
    const row = sheet.getRow(3).values as unknown[];
    const cell = (name: string) => row[header.indexOf(name)];
    expect(cell('村')).toBe('放牛坪村');

    const { rows: [ledger] } = await c.jifen.context.db.execute<{ awarded: number; spent: number }>(sql`
      select coalesce(sum(le.amount) filter (where t.kind = 'award'), 0)::int as awarded,
             coalesce(-sum(le.amount) filter (where t.kind = 'redemption'), 0)::int as spent
      from jifen.ledger_entries le join jifen.accounts a on a.id = le.account_id join jifen.ledger_transactions t on t.id = le.transaction_id
      where a.kind = 'household'`);
    const { rows: [claims] } = await c.jifen.context.db.execute<{ made: number; approved: number }>(sql`
      select count(*)::int as made, count(*) filter (where state = 'posted')::int as approved from jifen.claims`);
    expect(cell('发放积分')).toBe(ledger!.awarded);
    expect(cell('兑换积分')).toBe(ledger!.spent);
    expect(cell('申报')).toBe(claims!.made);
    expect(cell('通过')).toBe(claims!.approved);
    expect(ledger).toEqual({ awarded: 2, spent: 2 });
  });

  it('an officer decides nothing: the queue and the counter refuse them', async () => {
    for (const url of ['/console/review', '/console/counter']) {
      const response = await c.page.goto(`${c.base}${url}`);
      expect(response!.status()).toBe(403);
    }
  });
});
