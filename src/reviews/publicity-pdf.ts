import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import { textsOf } from '../village-texts.ts';
import { publicityCells } from './publicity-html.ts';
import type { PublicityList } from './publicity-list.ts';

/** Noto Sans SC from its npm package (OFL): embedded as a subset of the glyphs used, nothing fetched at run time. */
export const CJK_FONT = createRequire(import.meta.url).resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf');

const MARGIN = 50;
/** Relative widths of 编号, 户号, 户主, 项目, 积分, 审核通过日期, 异议截止日期. */
const COLUMN_WEIGHTS = [1, 1.3, 1.1, 3.6, 0.8, 1.6, 1.6];
const FONT_SIZE = 10;
const PADDING = 4;

type Doc = InstanceType<typeof PDFDocument>;

/** One table row: each cell wrapped in its column, a border around each, the row as tall as its tallest cell. */
function drawRow(doc: Doc, cells: string[], widths: number[], y: number): number {
  const height = Math.max(...cells.map((cell, i) => doc.heightOfString(cell, { width: widths[i]! - 2 * PADDING }))) + 2 * PADDING;
  let x = MARGIN;
  cells.forEach((cell, i) => {
    doc.rect(x, y, widths[i]!, height).stroke();
    doc.text(cell, x + PADDING, y + PADDING, { width: widths[i]! - 2 * PADDING });
    x += widths[i]!;
  });
  return y + height;
}

/** The publicity list (公示) as an A4 PDF for the village notice board. */
export function publicityPdf(list: PublicityList): Promise<Buffer> {
  const sheet = textsOf(list.village).publicity.sheet;
  const doc = new PDFDocument({ size: 'A4', margin: MARGIN, info: { Title: sheet.title(list.village.name) } });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));

  doc.registerFont('cjk', CJK_FONT).font('cjk');
  doc.fontSize(20).text(sheet.title(list.village.name), { align: 'center' }).moveDown(0.5);
  doc.fontSize(FONT_SIZE).text(sheet.period(list.from, list.to)).moveDown(0.5);
  const usable = doc.page.width - 2 * MARGIN;
  const total = COLUMN_WEIGHTS.reduce((a, b) => a + b, 0);
  const widths = COLUMN_WEIGHTS.map((w) => (w / total) * usable);
  const bottom = doc.page.height - MARGIN;
  let y = drawRow(doc, sheet.columns, widths, doc.y);
  const rows = list.rows.length === 0 ? [[sheet.empty, '', '', '', '', '', '']] : list.rows.map(publicityCells);
  for (const cells of rows) {
    if (y + 3 * FONT_SIZE > bottom) {
      doc.addPage();
      y = drawRow(doc, sheet.columns, widths, MARGIN);
    }
    y = drawRow(doc, cells, widths, y);
  }
  doc.text(sheet.howToObject(list.days, list.village.smsNumber), MARGIN, y + 12, { width: usable });
  doc.end();
  return done;
}
