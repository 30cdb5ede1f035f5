import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { interpret, MAX_CLAIM_LENGTH } from '../../src/claims/understand.ts';
import type { Rule } from '../../src/db/schema/rules.ts';
import { readVillageFile, type VillageFile } from '../../src/village/village-file.ts';

const EXAMPLE_VILLAGE = path.resolve(import.meta.dirname, '../../example/fangniuping.yaml');

/** The example village's lists shaped as rows of jifen.rules, the way the pipeline reads them. */
async function exampleRules(): Promise<Rule[]> {
  const file = await readVillageFile(EXAMPLE_VILLAGE);
  let id = 0;
  const row = (kind: Rule['kind']) => (rule: VillageFile['rules'][number]): Rule => ({
    id: ++id, villageId: 1, code: rule.code, kind, category: rule.category, name: rule.name, points: rule.points,
    cap: rule.cap ?? null, per: rule.per ?? null, evidence: rule.evidence ?? null, keywords: rule.keywords ?? [],
    active: true, createdAt: new Date('2026-01-01T00:00:00Z'),
  });
  return [...file.rules.map(row('earn')), ...(file.deductions ?? []).map(row('deduct'))];
}

describe('interpret', () => {
  let rules: Rule[];
  beforeAll(async () => {
    rules = await exampleRules();
    expect(rules).toHaveLength(35);
  });

  /** The outcome reduced to something a table can state: a rule code, or the intent. */
  const understood = (text: string) => {
    const result = interpret(text, rules);
    return result.intent === 'claim' ? result.rule.code : result.intent;
  };

  it.each([
    // words of a rule's name or keywords
    ['今天把院坝扫干净了', 'P05'],
    ['院坝', 'P05'],
    ['参加了院坝会', 'P03'], // the meeting, not the yard
    ['今天开会了', 'P03'],
    ['调解了邻里纠纷', 'P19'], // 和 inside 家庭和睦 / 邻里和谐 is no separator
    ['屋头收拾干净了', 'P06'],
    ['门口扫了', 'P07'],
    ['帮邻居收玉米', 'P12'],
    ['捡到钱包还给失主了', 'P13'],
    // item numbers and codes
    ['5', 'P05'],
    ['  5  ', 'P05'],
    ['５', 'P05'],
    ['第12项', 'P12'],
    ['第 5 项', 'P05'],
    ['申报5号', 'P05'],
    ['１２', 'P12'],
    ['p05', 'P05'],
    ['P05', 'P05'],
    ['Ｐ０５', 'P05'],
    ['第99项', 'unknown'],
    ['0', 'unknown'],
    // a deduction's code or words never make a claim
    ['N01', 'unknown'],
    ['n05', 'unknown'],
    ['乱倒垃圾', 'unknown'],
    // other intents
    ['查积分', 'balance'],
    ['我的积分', 'balance'],
    ['我有多少分', 'balance'],
    ['', 'empty'],
    ['   ', 'empty'],
    ['🙂🙂', 'empty'],
    ['。。。！', 'empty'],
    ['你好', 'unknown'],
    ['同意 1234', 'unknown'],
  ])('%j → %s', (text, expected) => {
    expect(understood(text)).toBe(expected);
  });

  it('matches a whole item number with full confidence', () => {
    const result = interpret('第12项', rules);
    expect(result).toEqual({ intent: 'claim', rule: rules.find((r) => r.code === 'P12'), confidence: 1 });
  });

  it('refuses a message longer than MAX_CLAIM_LENGTH, and only then', () => {
    expect(MAX_CLAIM_LENGTH).toBe(500);
    const claim = '今天把院坝扫干净了';
    expect(understood(claim.padEnd(MAX_CLAIM_LENGTH, '。'))).toBe('P05');
    expect(understood(claim.padEnd(MAX_CLAIM_LENGTH + 1, '。'))).toBe('too_long');
    expect(understood('x'.repeat(2000))).toBe('too_long');
  });

  it('ignores rules of other kinds and finds nothing without rules', () => {
    expect(understood('5')).toBe('P05');
    expect(interpret('今天把院坝扫干净了', [])).toEqual({ intent: 'unknown' });
    expect(interpret('5', rules.filter((r) => r.kind === 'deduct'))).toEqual({ intent: 'unknown' });
  });
});
