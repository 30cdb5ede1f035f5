import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseVillageFile, VillageFileError } from '../../src/village/village-file.ts';
import { starsFor } from '../../src/village/stars.ts';

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

describe('the village file\'s star rule (星级文明户)', () => {
  const withStars = async (rule: string) => (await fs.readFile(EXAMPLE, 'utf8')).replace(/  stars: .*\n/, `  stars: ${rule}\n`);

  it('the example village has one', async () => {
    expect(parseVillageFile(await fs.readFile(EXAMPLE, 'utf8')).village.stars).toEqual({ per: 'year', thresholds: [20, 40, 60, 80, 100] });
  });

  it('reads per and thresholds', async () => {
    expect(parseVillageFile(await withStars('{ per: month, thresholds: [10, 20] }')).village.stars).toEqual({ per: 'month', thresholds: [10, 20] });
  });

  it.each([['{ per: week, thresholds: [10] }'], ['{ per: year, thresholds: [] }'], ['{ per: year, thresholds: [0] }']])('refuses %s', async (rule) => {
    const text = await withStars(rule);
    expect(() => parseVillageFile(text, 'fangniuping.yaml')).toThrow(/\/village\/stars/);
  });
});

describe('stars for points', () => {
  it.each([[19, 0], [20, 1], [59, 2], [100, 5], [1000, 5]])('%i points reach %i thresholds of 20/40/60/80/100', (points, stars) => {
    expect(starsFor(points, [20, 40, 60, 80, 100])).toBe(stars);
  });
});
