import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import type { Household, Village } from '../db/schema/index.ts';

const FONT = createRequire(import.meta.url).resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf');
const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 36;
const COLUMNS = 2;
const ROWS = 4;
const QR_SIZE = 110;

/** An A4 sheet of household cards, eight to a page: village, code, head and a QR to the household's 查分 page. */
export async function cardsPdf(village: Village, cards: Array<{ household: Household; url: string }>): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: MARGIN, info: { Title: `${village.name}农户积分卡` } });
  doc.font(FONT);
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  const width = (A4.width - 2 * MARGIN) / COLUMNS;
  const height = (A4.height - 2 * MARGIN) / ROWS;
  for (const [index, card] of cards.entries()) {
    const slot = index % (COLUMNS * ROWS);
    if (index > 0 && slot === 0) doc.addPage();
    const x = MARGIN + (slot % COLUMNS) * width;
    const y = MARGIN + Math.floor(slot / COLUMNS) * height;
    doc.rect(x + 4, y + 4, width - 8, height - 8).dash(3, { space: 3 }).stroke().undash();
    doc.fontSize(13).text(`${village.name} 积分卡`, x + 16, y + 16, { width: width - 32 });
    doc.fontSize(18).text(card.household.code, x + 16, y + 40);
    doc.fontSize(13).text(`户主：${card.household.head}`, x + 16, y + 66);
    doc.fontSize(9).text('扫码查积分；也可发短信「查分」', x + 16, y + height - 40, { width: width - QR_SIZE - 40 });
    doc.image(await QRCode.toBuffer(card.url, { margin: 1, width: QR_SIZE * 2 }), x + width - QR_SIZE - 16, y + 36, { width: QR_SIZE });
  }
  doc.end();
  return done;
}
