import ExcelJS from 'exceljs';
import type { VillageFigures } from './dashboard.ts';

/** The dashboard's tables as a workbook: one row per village, then top items, stock alerts and star households. */
export async function dashboardWorkbook(figures: VillageFigures[], period: { from: string; to: string }): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const summary = workbook.addWorksheet('看板');
  summary.addRow([`统计期间 ${period.from} 至 ${period.to}`]);
  summary.addRow(['村代码', '村', '申报', '通过', '驳回', '待审', '平均等待(小时)', '发放积分', '兑换积分', '户数', '本月参与户数', '参与率']);
  for (const f of figures) {
    summary.addRow([f.code, f.name, f.claims, f.approved, f.rejected, f.pending, f.waitHours, f.issued, f.redeemed, f.households, f.participating,
      f.households === 0 ? 0 : f.participating / f.households]);
  }
  summary.getColumn(12).numFmt = '0.0%';
  const items = workbook.addWorksheet('热门项目');
  items.addRow(['村', '项目', '次数']);
  for (const f of figures) for (const item of f.topItems) items.addRow([f.name, item.name, item.count]);
  const stock = workbook.addWorksheet('库存预警');
  stock.addRow(['村', '商品', '库存']);
  for (const f of figures) for (const item of f.lowStock) stock.addRow([f.name, item.name, item.stock]);
  const stars = workbook.addWorksheet('星级户');
  stars.addRow(['村', '户号', '户主', '积分', '星级']);
  for (const f of figures) for (const star of f.stars) stars.addRow([f.name, star.code, star.head, star.points, star.stars]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** Every household of these villages with its balance and lifetime total, as the ledger's accounts hold them. */
export async function balancesWorkbook(rows: Array<{ village: string; code: string; head: string; balance: number; lifetime: number }>): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('余额');
  sheet.addRow(['村', '户号', '户主', '余额', '累计获得']);
  for (const row of rows) sheet.addRow([row.village, row.code, row.head, row.balance, row.lifetime]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
