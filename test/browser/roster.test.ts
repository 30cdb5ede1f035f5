import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { households, members } from '../../src/db/schema/index.ts';
import { fitsWidth, screenshots, signInAs, useConsole } from '../support/browser.ts';
import { people } from '../support/jifen.ts';

/** A roster sheet written as an office would: the template's columns, one row per member. */
async function rosterFile(name: string, header: string[], rows: string[][]): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('花名册');
  sheet.addRow(header);
  for (const row of rows) sheet.addRow(row);
  const file = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'roster-')), name);
  await workbook.xlsx.writeFile(file);
  return file;
}

const HEADER = ['户号', '户主', '村民小组', '成员姓名', '手机号', '微信号'];
const GOOD = [
  ['FNP-201', '周大海', '三组', '周大海', '13700000201', ''],
  ['FNP-201', '周大海', '三组', '李小红', '13700000202', ''],
  ['FNP-202', '吴春生', '三组', '吴春生', '', ''],
];

describe('console: roster import from Excel (Chromium)', () => {
  const c = useConsole(async ({ jifen, page, base }) => signInAs(jifen, page, base, people.liuFang));
  const counts = async () => {
    const [row] = await c.jifen.context.db.select({ households: sql<number>`(select count(*)::int from ${households})`, members: sql<number>`(select count(*)::int from ${members})` }).from(sql`(select 1) one`);
    return row!;
  };

  it('offers the template to download, with the columns the import reads', async () => {
    await c.page.goto(`${c.base}/console/roster`);
    const [download] = await Promise.all([c.page.waitForEvent('download'), c.page.click('a:has-text("下载模板")')]);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile((await download.path())!);
    expect(workbook.worksheets[0]!.getRow(1).values).toEqual([undefined, ...HEADER]);
    expect(await fitsWidth(c.page)).toBe(true);
  });

  it('a dry run lists each bad row and writes nothing', async () => {
    const before = await counts();
    const file = await rosterFile('bad.xlsx', [...HEADER, '身份证'], [
      ...GOOD,
      ['FNP-203', '', '三组', '郑一', '13700000203', ''],
      ['FNP-204', '孙二', '三组', '孙二', '1370000', ''],
      ['FNP-205', '钱三', '三组', '钱三', '13700000201', ''],
      ['FNP-206', '赵四', '三组', '赵四', people.wangLanying.replace('+86', ''), ''],
    ]);
    await c.page.goto(`${c.base}/console/roster`);
    await c.page.setInputFiles('input[name=file]', file);
    await c.page.click('#check');
    expect(await c.page.textContent('.error')).toContain('未写入任何数据');
    const problems = await c.page.$$eval('#problems tbody tr', (rows) => rows.map((row) => (row as HTMLElement).innerText.replace(/\s+/g, ' ').trim()));
    expect(problems).toEqual(['1 不认识的列「身份证」，请用模板里的列名']);

    const rowsOnly = await rosterFile('rows.xlsx', HEADER, [
      ...GOOD,
      ['FNP-203', '', '三组', '郑一', '13700000203', ''],
      ['FNP-204', '孙二', '三组', '孙二', '1370000', ''],
      ['FNP-205', '钱三', '三组', '钱三', '13700000201', ''],
      ['FNP-206', '赵四', '三组', '赵四', people.wangLanying.replace('+86', ''), ''],
    ]);
    const rowProblems = async (button: string) => {
      await c.page.setInputFiles('input[name=file]', rowsOnly);
      await c.page.click(button);
      return c.page.$$eval('#problems tbody tr', (rows) => rows.map((row) => (row as HTMLElement).innerText.replace(/\s+/g, ' ').trim()));
    };
    // The import itself checks first: a sheet with problems is refused whole.
    expect(await rowProblems('#import')).toHaveLength(4);
    expect(await rowProblems('#check')).toEqual([
      '5 缺少户主',
      '6 手机号「1370000」不是11位手机号码',
      '7 手机号 13700000201 与第 2 行重复',
      `8 手机号 ${people.wangLanying} 已登记在农户 FNP-003`,
    ]);
    await screenshots(c.page, 'roster-problems');
    expect(await counts()).toEqual(before);
    expect(await c.jifen.context.db.select().from(households).where(eq(households.code, 'FNP-201'))).toEqual([]);
  });

  it('a clean sheet is checked, then imported; importing it again changes nothing', async () => {
    const before = await counts();
    const file = await rosterFile('good.xlsx', HEADER, GOOD);
    await c.page.goto(`${c.base}/console/roster`);
    await c.page.setInputFiles('input[name=file]', file);
    await c.page.click('#check');
    expect(await c.page.textContent('.notice')).toBe('检查通过：2 户、3 人，尚未写入。确认无误后点「导入」');
    expect(await counts()).toEqual(before);
    for (const _ of [1, 2]) {
      await c.page.setInputFiles('input[name=file]', file);
      await c.page.click('#import');
      expect(await c.page.textContent('.notice')).toBe('已导入 2 户、3 人（再次导入同一文件不会重复）');
      expect(await counts()).toEqual({ households: before.households + 2, members: before.members + 3 });
    }
    const [li] = await c.jifen.context.db.select().from(members).where(eq(members.name, '李小红'));
    expect(li!.phone).toBe('+8613700000202');
  });
});
