import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import type { CheckinEvent, Rule, Village } from '../db/schema/index.ts';
import { CJK_FONT } from '../reviews/publicity-pdf.ts';
import { itemName } from '../templates.ts';
import { textsOf } from '../village-texts.ts';
import { localTime } from './window.ts';

const MARGIN = 60;
const QR_SIZE = 260;

/**
 * What the poster's QR code holds: an SMS to the village's number with the code as its text
 * (SMSTO:, which phone cameras open as a prefilled message), or the code alone without a number.
 */
export const posterQrText = (code: string, number?: string) => (number ? `SMSTO:${number}:${code}` : code);

/** An A4 poster of a check-in for the meeting room: the item, the code large, a QR code to text it, until when. */
export async function checkinPoster(village: Village, rule: Rule, event: CheckinEvent): Promise<Buffer> {
  const sheet = textsOf(village).checkin.poster;
  const number = village.settings.smsSenderNumber;
  const qr = await QRCode.toBuffer(posterQrText(event.code, number), { type: 'png', width: QR_SIZE * 2, margin: 1 });
  const doc = new PDFDocument({ size: 'A4', margin: MARGIN, info: { Title: sheet.title(village.name) } });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  const width = doc.page.width - 2 * MARGIN;
  doc.registerFont('cjk', CJK_FONT).font('cjk');
  doc.fontSize(28).text(sheet.title(village.name), { align: 'center', width }).moveDown(0.4);
  doc.fontSize(18).text(sheet.item(itemName(rule.name), rule.points), { align: 'center', width }).moveDown(0.6);
  doc.fontSize(48).text(sheet.code(event.code), { align: 'center', width }).moveDown(0.4);
  doc.image(qr, (doc.page.width - QR_SIZE) / 2, doc.y, { width: QR_SIZE });
  doc.y += QR_SIZE + 20;
  doc.fontSize(14).text(sheet.howTo(event.code, number), MARGIN, doc.y, { align: 'center', width }).moveDown(0.4);
  doc.text(sheet.until(localTime(event.closesAt, village.timezone, event.opensAt)), { align: 'center', width });
  doc.end();
  return done;
}
