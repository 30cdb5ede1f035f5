import fs from 'node:fs/promises';
import type { Executor } from '../db/database.ts';
import { publicityHtml } from '../reviews/publicity-html.ts';
import { publicityList, type PublicityList } from '../reviews/publicity-list.ts';
import { publicityPdf } from '../reviews/publicity-pdf.ts';

export interface PublicityOptions {
  village: string;
  from?: string;
  to?: string;
  /** Write the A4 PDF here; without it the HTML goes to stdout. */
  pdf?: string;
}

/** `jifen publicity`: a village's publicity list (公示) as HTML on stdout, or as a PDF file. */
export async function printPublicity(db: Executor, options: PublicityOptions): Promise<{ list: PublicityList; output: string }> {
  const list = await publicityList(db, options.village, { from: options.from, to: options.to });
  if (!list) throw new Error(`no village ${options.village}`);
  if (!options.pdf) return { list, output: publicityHtml(list) };
  await fs.writeFile(options.pdf, await publicityPdf(list));
  return { list, output: `publicity list of ${list.village.code} ${list.from}..${list.to}: ${list.rows.length} claims, written to ${options.pdf}` };
}
