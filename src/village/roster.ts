import ExcelJS from 'exceljs';
import { and, eq, inArray, ne } from 'drizzle-orm';
import type { Db, Executor } from '../db/database.ts';
import { households, members, type Village } from '../db/schema/index.ts';
import { mobileNumber } from '../messages/one-time-codes.ts';
import { consentSource } from '../privacy/consent.ts';
import { textsOf, type Texts } from '../village-texts.ts';
import { upsertHouseholds } from './import.ts';
import type { VillageFile } from './village-file.ts';

/**
 * The roster (花名册) as a village office keeps it in Excel: one row per member. Checked in full
 * before anything is written; the import itself is the village file's (upsertHouseholds), so
 * importing the same sheet again changes nothing.
 */
const COLUMNS = { code: '户号', head: '户主', group: '村民小组', name: '成员姓名', phone: '手机号', wechat: '微信号' } as const;
type Column = keyof typeof COLUMNS;
const REQUIRED: Column[] = ['code', 'head', 'name'];

export interface RosterProblem { row: number; problem: string }
type RosterHousehold = VillageFile['households'][number];
export type RosterCheck = { households: RosterHousehold[]; members: number; problems: RosterProblem[] };

/** The template to download: the columns and one example row. */
export async function rosterTemplate(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('花名册');
  sheet.addRow(Object.values(COLUMNS));
  sheet.addRow(['FNP-101', '张三', '一组', '张三', '13900000000', '']);
  sheet.getColumn(5).numFmt = '@';
  sheet.columns.forEach((column) => { column.width = 14; });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

async function firstSheet(xlsx: Buffer): Promise<ExcelJS.Worksheet | undefined> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(xlsx as unknown as ArrayBuffer);
  } catch {
    return undefined;
  }
  return workbook.worksheets[0];
}

/** Which column holds what, from the header row; an unknown or missing column is a problem of row 1. */
function readHeader(texts: Texts, sheet: ExcelJS.Worksheet, problems: RosterProblem[]): Map<Column, number> {
  const byTitle = new Map(Object.entries(COLUMNS).map(([column, title]) => [title as string, column as Column]));
  const positions = new Map<Column, number>();
  sheet.getRow(1).eachCell((cell, index) => {
    const title = cell.text.trim();
    const column = byTitle.get(title);
    if (column) positions.set(column, index);
    else if (title) problems.push({ row: 1, problem: texts.roster.unknownColumn(title) });
  });
  for (const column of REQUIRED) if (!positions.has(column)) problems.push({ row: 1, problem: texts.roster.missingColumn(COLUMNS[column]) });
  return positions;
}

/** The sheet read and checked row by row: bad or repeated phones, missing code, head or name, households of another village. */
export async function checkRoster(db: Executor, village: Village, xlsx: Buffer): Promise<RosterCheck> {
  const texts = textsOf(village);
  const problems: RosterProblem[] = [];
  const sheet = await firstSheet(xlsx);
  if (!sheet) return { households: [], members: 0, problems: [{ row: 0, problem: texts.roster.notWorkbook() }] };
  const positions = readHeader(texts, sheet, problems);
  if (problems.length > 0) return { households: [], members: 0, problems };
  const text = (row: ExcelJS.Row, column: Column) => (positions.has(column) ? row.getCell(positions.get(column)!).text.trim() : '');

  const byCode = new Map<string, RosterHousehold>();
  const phoneRows = new Map<string, { row: number; code: string; name: string }>();
  let memberCount = 0;
  sheet.eachRow((row, number) => {
    if (number === 1) return;
    const [code, head, name, typedPhone] = [text(row, 'code'), text(row, 'head'), text(row, 'name'), text(row, 'phone')];
    const rowProblems = [
      !code && texts.roster.missingCode(), !head && texts.roster.missingHead(), !name && texts.roster.missingName(),
    ].filter((problem): problem is string => !!problem);
    const phone = typedPhone ? mobileNumber(typedPhone) : undefined;
    if (typedPhone && !phone) rowProblems.push(texts.roster.badPhone(typedPhone));
    const earlier = phone && phoneRows.get(phone);
    if (earlier) rowProblems.push(texts.roster.duplicatePhone(typedPhone, earlier.row));
    else if (phone) phoneRows.set(phone, { row: number, code, name });
    problems.push(...rowProblems.map((problem) => ({ row: number, problem })));
    if (rowProblems.length > 0) return;
    const household = byCode.get(code) ?? { code, head, group: text(row, 'group') || undefined, members: [] };
    byCode.set(code, household);
    household.members.push({ name, phone, wechat: text(row, 'wechat') || undefined });
    memberCount++;
  });
  problems.push(...await conflictsWithStored(db, texts, village.id, [...byCode.keys()], phoneRows));
  return { households: [...byCode.values()], members: memberCount, problems: problems.sort((a, b) => a.row - b.row) };
}

/** Households of another village, and phones registered to someone else than the row names. */
async function conflictsWithStored(db: Executor, texts: Texts, villageId: number, codes: string[], phoneRows: Map<string, { row: number; code: string; name: string }>) {
  const problems: RosterProblem[] = [];
  if (codes.length > 0) {
    const elsewhere = await db.select({ code: households.code }).from(households)
      .where(and(inArray(households.code, codes), ne(households.villageId, villageId)));
    problems.push(...elsewhere.map(({ code }) => ({ row: [...phoneRows.values()].find((r) => r.code === code)?.row ?? 0, problem: texts.roster.otherVillage(code) })));
  }
  if (phoneRows.size === 0) return problems;
  const stored = await db.select({ phone: members.phone, name: members.name, code: households.code }).from(members)
    .innerJoin(households, eq(households.id, members.householdId)).where(inArray(members.phone, [...phoneRows.keys()]));
  for (const holder of stored) {
    const row = phoneRows.get(holder.phone!)!;
    if (holder.code !== row.code || holder.name !== row.name) problems.push({ row: row.row, problem: texts.roster.phoneTaken(holder.phone!, holder.code) });
  }
  return problems;
}

export type RosterImport = { kind: 'problems'; problems: RosterProblem[] } | { kind: 'checked' | 'imported'; households: number; members: number };

/** A dry run writes nothing and lists the problems; the import writes only a sheet without any, in one transaction. */
export async function importRoster(db: Db, village: Village, xlsx: Buffer, dryRun: boolean): Promise<RosterImport> {
  return db.transaction(async (tx) => {
    const checked = await checkRoster(tx, village, xlsx);
    if (checked.problems.length > 0) return { kind: 'problems', problems: checked.problems };
    if (!dryRun) await upsertHouseholds(tx, village.id, checked.households, consentSource.roster());
    return { kind: dryRun ? 'checked' : 'imported', households: checked.households.length, members: checked.members };
  });
}
