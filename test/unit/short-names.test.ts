import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { smsSize } from '../../src/messages/segments.ts';
import { shortItemName, templates } from '../../src/templates.ts';
import { readVillageFile } from '../../src/village/village-file.ts';

const root = path.resolve(import.meta.dirname, '../..');
const fixtures = path.join(root, 'test/fixtures/villages');
const villageFiles = [path.join(root, 'example/fangniuping.yaml'), ...readdirSync(fixtures).filter((f) => f.endsWith('.yaml')).map((f) => path.join(fixtures, f))];

describe.each(villageFiles.map((file) => [path.relative(root, file), file]))('%s: every review request fits one SMS segment', (_name, file) => {
  it('for every item, with the village\'s longest household code and head and a four-digit reference', async () => {
    const village = await readVillageFile(file);
    const longest = (values: string[]) => values.sort((a, b) => [...b].length - [...a].length)[0]!;
    const head = longest(village.households.map((h) => h.head));
    const code = longest(village.households.map((h) => h.code));
    const tooLong = village.rules.map((rule) => {
      const item = shortItemName({ name: rule.name, shortName: rule.short ?? null });
      return templates.reviewRequest(village.village.name, 9999, code, head, item, rule.points);
    }).filter((text) => smsSize(text).segments > 1);
    expect(tooLong).toEqual([]);
  });
});
