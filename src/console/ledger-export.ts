import { asc, eq, and } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import type { Executor } from '../db/database.ts';
import { accounts, ledgerEntries, ledgerTransactions, type Village } from '../db/schema/index.ts';
import { publicityCells } from '../reviews/publicity-html.ts';
import type { PublicityList } from '../reviews/publicity-list.ts';
import { itemName } from '../templates.ts';
import { textsOf } from '../village-texts.ts';
import { ledgerLines } from './households.ts';
import { within, type Period } from './scope.ts';

/** Every household entry of the village's ledger in the period (village days), oldest first. */
export const ledgerOfPeriod = (db: Executor, village: Village, period: Period) =>
  ledgerLines(db).where(and(eq(accounts.villageId, village.id), within(ledgerTransactions.createdAt, period, village.timezone)))
    .orderBy(asc(ledgerTransactions.id), asc(ledgerEntries.id));

type LedgerLine = Awaited<ReturnType<typeof ledgerOfPeriod>>[number];

/** The ledger of a period as a workbook: one row per household entry, and the sum of points in and out. */
export async function ledgerWorkbook(village: Village, period: Period, lines: LedgerLine[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('积分明细');
  sheet.addRow([`${village.name} 积分明细 ${period.from} 至 ${period.to}`]);
  sheet.addRow(['日期', '户号', '户主', '类别', '项目', '积分', '说明', '经办']);
  const kinds = textsOf(village).console.ledgerKinds;
  const day = (at: Date) => at.toLocaleDateString('sv-SE', { timeZone: village.timezone });
  for (const line of lines) {
    sheet.addRow([day(line.at), line.household, line.head, kinds[line.kind] ?? line.kind,
      line.item ? itemName(line.item) : line.memo, line.amount, line.reason ?? '', line.decidedBy ?? '']);
  }
  sheet.addRow(['合计', '', '', '', '', lines.reduce((sum, line) => sum + line.amount, 0)]);
  sheet.getColumn(1).width = 12;
  sheet.getColumn(5).width = 30;
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** The publicity list (公示) as a workbook, with the columns of the notice board's sheet. */
export async function publicityWorkbook(list: PublicityList): Promise<Buffer> {
  const board = textsOf(list.village).publicity.sheet;
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('公示');
  sheet.addRow([board.title(list.village.name)]);
  sheet.addRow([board.period(list.from, list.to)]);
  sheet.addRow(board.columns);
  for (const row of list.rows) {
    const cells: Array<string | number> = publicityCells(row);
    cells[0] = row.reference;
    cells[4] = row.points;
    sheet.addRow(cells);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
