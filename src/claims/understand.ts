import type { Rule } from '../db/schema/rules.ts';
import { hasNoWords, normalizeText } from '../text.ts';

/**
 * A first, simple understanding of a villager's message: an item number or code, or the
 * words of a rule's name and keywords. (A later stage of the project replaces this matcher.)
 */
export type Interpretation =
  | { intent: 'claim'; rule: Rule; confidence: number }
  | { intent: 'balance' }
  | { intent: 'empty' }
  | { intent: 'too_long' }
  | { intent: 'unknown' };

/** Longer than any real declaration: asks the villager to say it in a sentence or two. */
export const MAX_CLAIM_LENGTH = 500;

const BALANCE = /(查|问|看).{0,3}(积分|分数|余额)|^(积分|余额|我的积分|查分)$|好多分|多少分/;
const ITEM_NUMBER = /^(?:第|申报)?\s*(\d{1,3})\s*(?:项|号|条)?$/;
const ITEM_CODE = /^[A-Za-z]\d{1,3}$/;
const NAME_SEPARATORS = /[、，,（）()：:；;\s]+|或/;

const codeNumber = (code: string) => Number(code.replace(/\D/g, ''));

/** Name fragments of two characters or more ("庭院卫生整洁" → itself, "门前清洁（门前三包）" → 门前清洁, 门前三包). */
function phrases(rule: Rule): string[] {
  return [...rule.name.split(NAME_SEPARATORS), ...rule.keywords].filter((p) => p.length >= 2);
}

/**
 * Share of a phrase's character pairs found in the text: 0.5 for half of it, just over 1 for the
 * whole phrase — longer whole phrases a little more, so 院坝会 (a meeting) beats 院坝 (the yard).
 */
function phraseScore(text: string, phrase: string): number {
  if (text.includes(phrase)) return 1 + phrase.length / 100;
  let found = 0;
  for (let i = 0; i < phrase.length - 1; i++) if (text.includes(phrase.slice(i, i + 2))) found++;
  return found / (phrase.length - 1);
}

function bestRule(text: string, rules: Rule[]): { rule: Rule; confidence: number } | undefined {
  let best: { rule: Rule; confidence: number } | undefined;
  let runnerUp = 0;
  for (const rule of rules) {
    const score = Math.max(0, ...phrases(rule).map((p) => phraseScore(text, p)));
    if (!best || score > best.confidence) {
      runnerUp = best?.confidence ?? 0;
      best = { rule, confidence: score };
    } else if (score > runnerUp) runnerUp = score;
  }
  // Accept only a clear winner: most of a phrase present and ahead of every other item.
  return best && best.confidence >= 0.6 && best.confidence > runnerUp ? best : undefined;
}

export function interpret(input: string, rules: Rule[]): Interpretation {
  const text = normalizeText(input);
  if (hasNoWords(text)) return { intent: 'empty' };
  if (text.length > MAX_CLAIM_LENGTH) return { intent: 'too_long' };
  if (BALANCE.test(text)) return { intent: 'balance' };
  const earnable = rules.filter((rule) => rule.kind === 'earn');
  const number = ITEM_NUMBER.exec(text)?.[1] ?? (ITEM_CODE.test(text) ? text.slice(1) : undefined);
  if (number !== undefined) {
    const rule = earnable.find((r) => codeNumber(r.code) === Number(number) && (!ITEM_CODE.test(text) || r.code[0]!.toUpperCase() === text[0]!.toUpperCase()));
    return rule ? { intent: 'claim', rule, confidence: 1 } : { intent: 'unknown' };
  }
  const match = bestRule(text, earnable);
  return match ? { intent: 'claim', ...match } : { intent: 'unknown' };
}
