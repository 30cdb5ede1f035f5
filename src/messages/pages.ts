import { smsSize } from './segments.ts';

/** True when a text goes out as one SMS segment. */
export const ONE_SEGMENT = (text: string) => smsSize(text).segments === 1;

/**
 * Splits a list into pages, each rendered by `page(number, count, lines)` and fitting `fits` (one SMS
 * segment); a line too long for a page of its own goes alone. Repacks until the page count is stable,
 * since the count is part of each page's text.
 */
export function pagesWithin(lines: string[], fits: (text: string) => boolean, page: (number: number, count: number, lines: string[]) => string): string[] {
  let count = 1;
  for (;;) {
    const parts: string[][] = [];
    for (const line of lines) {
      const current = parts.at(-1);
      if (current && fits(page(parts.length, Math.max(count, parts.length), [...current, line]))) current.push(line);
      else parts.push([line]);
    }
    if (parts.length <= count) return parts.map((part, i) => page(i + 1, parts.length, part));
    count = parts.length;
  }
}
