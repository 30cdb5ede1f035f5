/** Full-width digits and letters (１２３４, ＡＢ) and ideographic spaces → their ASCII forms; trims. */
export function normalizeText(text: string): string {
  return text
    .replace(/[\uFF01-\uFF5E]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, ' ')
    .trim();
}

/** True when the text has no letter or digit of any script: empty, punctuation, emoji only. */
export function hasNoWords(text: string): boolean {
  return !/[\p{L}\p{N}]/u.test(text);
}
