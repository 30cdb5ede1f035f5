import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseVillageFile, VillageFileError } from '../../src/village/village-file.ts';

const EXAMPLE = path.resolve(import.meta.dirname, '../../example/fangniuping.yaml');

describe('the village file\'s expiry policy', () => {
  it.each([['end_of_year_plus_1'], ['never']])('accepts points_expire: %s', async (policy) => {
    const text = (await fs.readFile(EXAMPLE, 'utf8')).replace(/points_expire: \S+/, `points_expire: ${policy}`);
    expect(parseVillageFile(text).village.points_expire).toBe(policy);
  });

  it('refuses a policy jifen does not know, naming the key', async () => {
    const text = (await fs.readFile(EXAMPLE, 'utf8')).replace(/points_expire: \S+/, 'points_expire: end_of_year+1');
    expect(() => parseVillageFile(text, 'fangniuping.yaml')).toThrow(VillageFileError);
    expect(() => parseVillageFile(text, 'fangniuping.yaml')).toThrow(/\/village\/points_expire/);
  });
});
