const DIGITS: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** A number written in Chinese up to 99: 五 → 5, 十二 → 12, 二十 → 20, 二十五 → 25. */
export function chineseNumber(text: string): number | undefined {
  const match = /^([一二两三四五六七八九])?(十)?([一二三四五六七八九])?$/.exec(text);
  if (!match || text === '') return undefined;
  const [, tens, ten, units] = match;
  if (!ten) return tens && !units ? DIGITS[tens] : undefined;
  return (tens ? DIGITS[tens]! : 1) * 10 + (units ? DIGITS[units]! : 0);
}

/** An Arabic or Chinese number: "12", "十二". */
export function anyNumber(text: string): number | undefined {
  return /^\d{1,3}$/.test(text) ? Number(text) : chineseNumber(text);
}
