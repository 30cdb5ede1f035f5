import { describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import { stringify } from 'yaml';
import { templates } from '../../src/templates.ts';
import { TEXT_KEYS, textOverrideProblems, textsOf } from '../../src/village-texts.ts';
import { parseVillageFile, VillageFileError } from '../../src/village/village-file.ts';
import { everyTextOverridden, overrideMark } from '../support/overridden-texts.ts';

const leaf = (root: unknown, path: string[]) => path.reduce<unknown>((node, name) => (node as Record<string, unknown>)[name], root);

/** A village file as small as the schema allows, with `texts:`. */
const villageFile = (texts: unknown) => stringify({
  village: { code: 'test', name: '测试村' }, cadres: [], rules: [], households: [], texts,
});

describe('a village overrides each of jifen\'s texts', () => {
  it('every text of src/templates.ts has a key (the walk reaches them all)', () => {
    expect(TEXT_KEYS.size).toBeGreaterThan(150);
    expect(TEXT_KEYS.get('review_request')!.placeholders).toEqual(['village', 'reference', 'household', 'head', 'item', 'points', 'said', 'photo']);
    expect(TEXT_KEYS.get('weekly_sms')!.placeholders).toEqual(['village', 'household', 'earned', 'redeemed', 'balance', 'lifetime', 'rank', 'expired']);
  });

  it('every parameter of a template is a placeholder (the names are read from its source)', () => {
    for (const { path, placeholders } of TEXT_KEYS.values()) {
      const node = leaf(templates, path);
      if (typeof node === 'function') expect(placeholders.length).toBeGreaterThanOrEqual(node.length);
    }
  });

  it('a village without overrides speaks with the defaults', () => {
    expect(textsOf({ settings: {} })).toBe(templates);
    expect(textsOf(undefined)).toBe(templates);
  });

  const overrides = everyTextOverridden();
  const texts = textsOf({ settings: { texts: overrides } });
  it.each([...TEXT_KEYS.values()])('$key: the override is what the village gets, with every placeholder filled', ({ key, path, placeholders }) => {
    const node = leaf(texts, path);
    if (typeof node !== 'function') {
      expect(([] as string[]).concat(node as string | string[]).every((text) => text.startsWith(overrideMark(key)))).toBe(true);
      return;
    }
    const args = placeholders.map((name, i) => (i === 1 ? [`${name}甲`, `${name}乙`] : `${name}值`));
    expect((node as (...a: unknown[]) => string)(...args)).toBe(
      `${overrideMark(key)}${placeholders.map((name, i) => (i === 1 ? `${name}甲、${name}乙` : `${name}值`)).join('|')}`);
  });

  it('an override is checked against its default: no such key, a placeholder it lacks, a list of the wrong length, a refused phrase', () => {
    expect(textOverrideProblems({ review_requst: '待审 {reference}' })).toEqual([
      expect.stringMatching(/^texts\.review_requst: no such text; the known keys are claim_received, review_request, .*weekly_sms/),
    ]);
    expect(textOverrideProblems({ posted: '入账 {points}，余额 {balanse}' })).toEqual(['texts.posted: unknown placeholder {balanse}; it can use {points} {balance}']);
    expect(textOverrideProblems({ no_reason: '没说 {reason}' })).toEqual(['texts.no_reason: unknown placeholder {reason}; it takes none']);
    expect(textOverrideProblems({ publicity_sheet_columns: ['编号'] })).toEqual(['texts.publicity_sheet_columns: must list 7 texts']);
    expect(textOverrideProblems({ posted: ['a'] })).toEqual(['texts.posted: must be a text']);
    expect(textOverrideProblems({ weekly_sms: '{village}本周得分{earned}，兑换{redeemed}分' })).toEqual([]);
    expect(textOverrideProblems({ expiry_warning: '{points}分将于{date}积分 清零' })).toEqual(['texts.expiry_warning: contains 「积分清零」, which SMS providers refuse']);
  });

  it('the village file with a bad override is refused at import, naming the key', () => {
    expect(() => parseVillageFile(villageFile({ weekly: '本周 {earned}' }), 'bad.yaml')).toThrow(VillageFileError);
    expect(() => parseVillageFile(villageFile({ weekly: '本周 {earned}' }), 'bad.yaml')).toThrow(/bad\.yaml:\n {2}texts\.weekly: no such text; the known keys are .*weekly_sms/);
    expect(() => parseVillageFile(villageFile({ posted: '积分领取 {points}' }))).toThrow(/texts\.posted: contains 「积分领取」/);
    expect(() => parseVillageFile(villageFile({ posted: 3 }))).toThrow(VillageFileError);
    expect(parseVillageFile(villageFile(overrides)).texts).toEqual(overrides);
  });
});

describe('docs/configuration.md', () => {
  it('lists every key with its placeholders, as src/templates.ts has them', async () => {
    const doc = await fs.readFile(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
    const listed = /<!-- text keys -->\n\| key \| placeholders \|\n\| --- \| --- \|\n([^]*?)<!-- end of text keys -->/.exec(doc)?.[1];
    const table = [...TEXT_KEYS.values()].map(({ key, placeholders, list }) =>
      `| \`${key}\` | ${list ? 'a list of texts, one per column' : placeholders.map((p) => `\`{${p}}\``).join(' ') || '—'} |\n`).join('');
    expect(listed).toBe(table);
  });
});
