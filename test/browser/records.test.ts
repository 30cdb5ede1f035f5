import os from 'node:os';
import path from 'node:path';
import { mkdtemp } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import QRCode from 'qrcode';
import { and, eq, sql } from 'drizzle-orm';
import { deductions, households, outboundMessages, villages } from '../../src/db/schema/index.ts';
import { issueCards } from '../../src/console/cards.ts';
import { householdBalance } from '../../src/ledger/balance.ts';
import { isoWeekOf } from '../../src/weekly/calendar.ts';
import { runWeekly } from '../../src/weekly/run.ts';
import { qrVideo } from '../support/fake-camera.ts';
import { fitsWidth, launchWithCamera, SCREENSHOTS, screenshots, signInAs, useConsole } from '../support/browser.ts';
import { people, referenceSentTo, type Harness } from '../support/jifen.ts';
import { award, say } from '../support/records.ts';

const workbookOf = async (file: string) => {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(file);
  return workbook;
};

/** 2 stars for FNP-002 (45 points this year), 1 for FNP-003 (30 − 2 deducted), publicity on, one claim in publicity, one appealed deduction. */
async function villageWithRecords(jifen: Harness) {
  await award(jifen.context, 'FNP-002', 45);
  await award(jifen.context, 'FNP-003', 30);
  await jifen.context.db.update(villages).set({ settings: sql`${villages.settings} || '{"publicityDays": 3}'::jsonb` }).where(eq(villages.code, 'fangniuping'));
  await jifen.sms(people.wangLanying, '今天把院坝扫干净了');
  await say(jifen, people.liuFang, `同意 ${await referenceSentTo(jifen, people.liuFang)}`);
  const deducted = await say(jifen, people.liuFang, '扣分 FNP-003 N01');
  const reference = Number(/编号(\d{4})/.exec(deducted)![1]);
  await say(jifen, people.wangLanying, `申诉 ${reference} 垃圾不是我家倒的`);
  return reference;
}

describe('console: exports, publicity, deductions, messages, weekly runs, stars, card scanning (Chromium)', () => {
  let appealed = 0;
  const c = useConsole(async ({ jifen, page, base }) => {
    appealed = await villageWithRecords(jifen);
    await signInAs(jifen, page, base, people.liuFang);
  });

  it('exports the ledger of a period, row for row and point for point as the ledger holds it', async () => {
    await c.page.goto(`${c.base}/console/exports`);
    await screenshots(c.page, 'exports');
    expect(await fitsWidth(c.page)).toBe(true);
    const [download] = await Promise.all([c.page.waitForEvent('download'), c.page.click('#ledger')]);
    const sheet = (await workbookOf(await download.path())).getWorksheet('积分明细')!;
    const rows = (sheet.getSheetValues().slice(3) as unknown[][]).filter((row) => row[1] !== '合计');
    const { rows: ledger } = await c.jifen.context.db.execute<{ code: string; amount: number }>(sql`
      select h.code, le.amount::int as amount from jifen.ledger_entries le join jifen.accounts a on a.id = le.account_id
      join jifen.households h on h.id = a.household_id join jifen.villages v on v.id = a.village_id where v.code = 'fangniuping' order by le.id`);
    expect(rows.map((row) => [row[2], row[6]])).toEqual(ledger.map((entry) => [entry.code, entry.amount]));
    expect(ledger.length).toBeGreaterThanOrEqual(3);
    const total = sheet.getSheetValues().find((row) => (row as unknown[])?.[1] === '合计') as unknown[];
    expect(total[6]).toBe(ledger.reduce((sum, entry) => sum + entry.amount, 0));
    // A period before anything happened has no rows; a day that does not exist is refused.
    const empty = await c.page.request.get(`${c.base}/console/ledger.xlsx?from=2020-01-01&to=2020-01-31`);
    const emptyBook = new ExcelJS.Workbook();
    await emptyBook.xlsx.load(await empty.body() as unknown as ArrayBuffer);
    expect(emptyBook.getWorksheet('积分明细')!.rowCount).toBe(3);
    expect((await c.page.request.get(`${c.base}/console/ledger.xlsx?from=2026-02-30`)).status()).toBe(400);
  });

  it('shows the publicity list to print, as PDF and as Excel', async () => {
    await c.page.goto(`${c.base}/console/publicity`);
    expect(await c.page.textContent('#publicity tbody')).toContain('FNP-003');
    expect(await c.page.textContent('#publicity tbody')).toContain('王*英');
    await screenshots(c.page, 'publicity');
    expect(await fitsWidth(c.page)).toBe(true);
    await c.page.emulateMedia({ media: 'print' });
    await c.page.setViewportSize({ width: 794, height: 1123 });
    await c.page.screenshot({ path: path.join(SCREENSHOTS, 'publicity-print.png'), fullPage: true });
    expect(await c.page.isVisible('nav')).toBe(false);
    await c.page.emulateMedia({ media: 'screen' });
    await c.page.setViewportSize({ width: 360, height: 740 });
    const pdf = await c.page.request.get(`${c.base}${await c.page.getAttribute('#pdf', 'href')}`);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
    const [download] = await Promise.all([c.page.waitForEvent('download'), c.page.click('#xlsx')]);
    const rows = (await workbookOf(await download.path())).getWorksheet('公示')!.getSheetValues().slice(4) as unknown[][];
    expect(rows.map((row) => [row[2], row[3], row[5]])).toEqual([['FNP-003', '王*英', 2]]);
  });

  it('a cadre revokes an appealed deduction as 撤销 by SMS would: points back, the household told', async () => {
    const before = (await householdBalance(c.jifen.context.db, 'FNP-003')).balance;
    await c.page.goto(`${c.base}/console/deductions`);
    const card = c.page.locator(`.deduction[data-reference="${appealed}"]`);
    expect(await card.getAttribute('data-state')).toBe('appealed');
    expect(await card.textContent()).toContain('垃圾不是我家倒的');
    await screenshots(c.page, 'deductions');
    expect(await fitsWidth(c.page)).toBe(true);
    await card.locator('input[name=reason]').fill('经核实非该户所为');
    await Promise.all([c.page.waitForURL(/notice=/), card.locator('button[value=revoke]').click()]);
    expect(await c.page.textContent('.notice')).toContain(`扣分 ${appealed} 已撤销`);
    const [row] = await c.jifen.context.db.select().from(deductions).where(eq(deductions.reference, appealed));
    expect(row!.state).toBe('revoked');
    expect((await householdBalance(c.jifen.context.db, 'FNP-003')).balance).toBe(before + 2);
    const told = await c.jifen.context.db.select().from(outboundMessages)
      .where(and(eq(outboundMessages.address, people.wangLanying), eq(outboundMessages.kind, 'appeal_outcome')));
    expect(told).toHaveLength(1);
    // Decided: no buttons any more, and sending the form again changes nothing.
    expect(await c.page.locator(`.deduction[data-reference="${appealed}"] form`).count()).toBe(0);
    const { rows: [audited] } = await c.jifen.context.db.execute<{ n: number }>(sql`select count(*)::int as n from jifen.console_audit where action = 'deduction_revoke'`);
    expect(audited!.n).toBe(1);
  });

  it('a cadre records a deduction as 扣分 by SMS would, once even when the form is sent twice', async () => {
    const before = (await householdBalance(c.jifen.context.db, 'FNP-002')).balance;
    await c.page.goto(`${c.base}/console/deductions`);
    await c.page.click('#record summary');
    await c.page.fill('#record input[name=household]', 'fnp-002');
    await c.page.selectOption('#record select[name=rule]', 'N01');
    const form = await c.page.$eval('#record form', (f) => Object.fromEntries(new FormData(f as HTMLFormElement)) as Record<string, string>);
    await Promise.all([c.page.waitForURL(/notice=/), c.page.click('#record button')]);
    expect(await c.page.textContent('.notice')).toContain('已记录 FNP-002 扣分');
    const again = await c.page.request.post(`${c.base}/console/deductions`, { form, maxRedirects: 0 });
    expect(again.status()).toBe(303);
    const [household] = await c.jifen.context.db.select().from(households).where(eq(households.code, 'FNP-002'));
    expect(await c.jifen.context.db.select().from(deductions).where(eq(deductions.householdId, household!.id))).toHaveLength(1);
    expect((await householdBalance(c.jifen.context.db, 'FNP-002')).balance).toBe(before - 2);
    const told = await c.jifen.context.db.select().from(outboundMessages)
      .where(and(eq(outboundMessages.address, people.chenChangjiang), eq(outboundMessages.kind, 'deduction')));
    expect(told).toHaveLength(1);
  });

  it('lists the messages with their delivery status, filtered, phones masked and codes hidden', async () => {
    await c.page.goto(`${c.base}/console/messages?household=FNP-003&direction=out`);
    const texts = await c.page.locator('#log li').allTextContents();
    expect(texts.length).toBeGreaterThan(0);
    expect(texts.every((text) => text.includes('+86139****0003'))).toBe(true);
    await screenshots(c.page, 'messages');
    expect(await fitsWidth(c.page)).toBe(true);
    const all = await c.page.goto(`${c.base}/console/messages`);
    const body = await all!.text();
    expect(body).not.toMatch(/13900020003|13900010001/);
    expect(body).not.toMatch(/验证码：\d{6}/);
    await c.page.selectOption('select[name=status]', 'opted_out');
    await c.page.click('.filters button');
    expect(await c.page.locator('#log li').count()).toBe(0);
  });

  it('shows the weekly run by week as the outbound rows it wrote', async () => {
    const [village] = await c.jifen.context.db.select().from(villages).where(eq(villages.code, 'fangniuping'));
    const now = new Date();
    const run = await runWeekly(c.jifen.context, village!, isoWeekOf(now, village!.timezone), { now });
    await c.page.goto(`${c.base}/console/weekly`);
    const week = c.page.locator(`.week[data-week="${run.week}"]`);
    expect(Number(await week.locator('.households').textContent())).toBe(run.households);
    expect(Number(await week.locator('.recorded').textContent())).toBe(run.notified);
    expect(Number(await week.locator('.unreachable').textContent())).toBe(run.unreachable);
    await screenshots(c.page, 'weekly');
    expect(await fitsWidth(c.page)).toBe(true);
  });

  it('shows the star households by the village\'s rule', async () => {
    await c.page.goto(`${c.base}/console/dashboard`);
    expect(await c.page.textContent('.stars li[data-household="FNP-002"] .star')).toBe('★★');
    expect(await c.page.textContent('.stars li[data-household="FNP-003"] .star')).toBe('★');
    expect(await c.page.locator('.stars li').count()).toBe(2);
    await screenshots(c.page, 'dashboard-stars');
    expect(await fitsWidth(c.page)).toBe(true);
  });

  it('the keeper scans a household card with the phone camera, or a photo of it, and gets its counter page', async () => {
    const list = await c.jifen.context.db.select().from(households).where(eq(households.code, 'FNP-003'));
    const [card] = await issueCards(c.jifen.context.db, list);
    const link = `${c.jifen.config.publicUrl}/console/q/${card!.token}`;
    const dir = await mkdtemp(path.join(os.tmpdir(), 'jifen-camera-'));
    await qrVideo(path.join(dir, 'card.y4m'), link);
    const browser = await launchWithCamera(path.join(dir, 'card.y4m'));
    try {
      const page = await browser.newPage({ viewport: { width: 360, height: 740 }, locale: 'zh-CN' });
      await signInAs(c.jifen, page, c.base, people.ranDebing);
      await page.goto(`${c.base}/console/counter`);
      await screenshots(page, 'counter-scan');
      expect(await fitsWidth(page)).toBe(true);
      await Promise.all([page.waitForURL(`${c.base}/console/counter/FNP-003`), page.click('#scan-start')]);
      await page.goto(`${c.base}/console/counter`);
      const photo = path.join(dir, 'card.png');
      await QRCode.toFile(photo, link, { width: 400 });
      await Promise.all([page.waitForURL(`${c.base}/console/counter/FNP-003`), page.setInputFiles('#scan-photo', photo)]);
    } finally {
      await browser.close();
    }
  });
});
