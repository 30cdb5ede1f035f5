import path from 'node:path';
import type { Item } from '../../../src/understanding/items.ts';
import { compileVillage, type VillageModel } from '../../../src/understanding/model.ts';
import { vocabularyOfFile } from '../../../src/understanding/vocabulary-file.ts';
import { readVillageFile } from '../../../src/village/village-file.ts';

const root = path.resolve(import.meta.dirname, '../../..');

export const FANGNIUPING = path.join(root, 'example/fangniuping.yaml');
export const SHUANGQIAO = path.join(root, 'test/fixtures/villages/shuangqiao.yaml');

/** A village file compiled the way `jifen classify` and the evaluation compile it: no database. */
export async function villageModel(file: string): Promise<VillageModel> {
  return compileVillage(vocabularyOfFile(await readVillageFile(file)));
}

/** Rule codes, sorted: a multi-item claim is a set. */
export const codes = (items: readonly Item[]) => items.map((item) => item.rule.code).sort();
