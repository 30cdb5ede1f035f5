import { itemName } from '../templates.ts';
import { textsOf } from '../village-texts.ts';
import type { PublicityList, PublicityRow } from './publicity-list.ts';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escape = (text: string) => text.replace(/[&<>"']/g, (ch) => ESCAPES[ch]!);

/** The cells of one row, in the order of the sheet's columns. */
export const publicityCells = (row: PublicityRow) =>
  [String(row.reference), row.household, row.head, itemName(row.item), `+${row.points}`, row.approvedOn, row.objectBy];

/** The publicity list (公示) as a page to read or print: title, period, table and how to object. */
export function publicityHtml(list: PublicityList): string {
  const sheet = textsOf(list.village).publicity.sheet;
  const title = escape(sheet.title(list.village.name));
  const head = sheet.columns.map((c) => `<th>${escape(c)}</th>`).join('');
  const body = list.rows.length === 0
    ? `<tr><td colspan="${sheet.columns.length}">${escape(sheet.empty)}</td></tr>`
    : list.rows.map((row) => `<tr>${publicityCells(row).map((cell) => `<td>${escape(cell)}</td>`).join('')}</tr>`).join('\n');
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${title}</title>
<style>body{font-family:"Noto Sans SC","PingFang SC","Microsoft YaHei",sans-serif;max-width:60em;margin:2em auto}
h1{text-align:center}table{border-collapse:collapse;width:100%}th,td{border:1px solid #333;padding:.3em .5em}
@media print{@page{size:A4}}</style></head>
<body><h1>${title}</h1><p>${escape(sheet.period(list.from, list.to))}</p>
<table><thead><tr>${head}</tr></thead><tbody>
${body}
</tbody></table>
<p>${escape(sheet.howToObject(list.days, list.village.smsNumber))}</p></body></html>`;
}
