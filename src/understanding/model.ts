import { compileItems, itemWords, WordIndex, type Item, type RuleInfo } from './items.ts';
import { builtInLexicon, type Lexicon } from './lexicon.ts';
import { addWords } from './segmenter.ts';
import { SoundAlikes } from './sounds.ts';

export interface CatalogueInfo {
  code: string;
  name: string;
  points: number;
}

export interface HouseholdInfo {
  code: string;
  head: string;
  members: readonly string[];
}

/** Everything of a village that understanding reads: no database needed. */
export interface VillageVocabulary {
  rules: readonly RuleInfo[];
  deductions?: readonly RuleInfo[];
  catalogue?: readonly CatalogueInfo[];
  households?: readonly HouseholdInfo[];
  /** The village's own dialect words → standard words, added to the lexicon's. */
  synonyms?: Readonly<Record<string, string>>;
}

/** One village's vocabulary, compiled once and reused for every message. */
export interface VillageModel {
  items: Item[];
  deductions: Item[];
  catalogue: Item[];
  households: readonly HouseholdInfo[];
  synonyms: Map<string, string>;
  sounds: SoundAlikes;
  /** Every word the items look for: inside another known word, a word does not count on its own. */
  known: WordIndex;
}

/** A unique part of a good's name is enough to know it. */
const PART_OF_NAME = 0.9;

/** Words of commands, repaired when misheard or mistyped like item words (积份, 取销, 推订). */
const COMMAND_WORDS = ['积分', '申报', '取消', '退订', '超市', '兑换', '撤回', '撤销', '余额'];

const asRule = (entry: CatalogueInfo): RuleInfo => ({ code: entry.code, name: entry.name, category: '积分超市' });

/**
 * Goods are named by any part of their name no other good shares (耕地 for 农机耕地服务), or by the
 * last character alone (盐 for 食盐（1袋）).
 */
function compileCatalogue(catalogue: readonly CatalogueInfo[], synonyms: Map<string, string>): Item[] {
  const cores = catalogue.map((entry) => entry.name.replace(/[（(].*$/, ''));
  const parts = (core: string) => [...new Set([core.slice(-1), ...[...core].flatMap((_, i) => [...core].slice(i + 1).map((__, j) => core.slice(i, i + j + 2)))])];
  const counts = new Map<string, number>();
  for (const part of cores.flatMap(parts)) counts.set(part, (counts.get(part) ?? 0) + 1);
  const items = compileItems(catalogue.map(asRule), 'earn', { synonyms: {}, concepts: [] }, synonyms);
  return items.map((item, index) => ({
    ...item,
    phrases: [...item.phrases, ...parts(cores[index]!).filter((part) => counts.get(part) === 1 && part !== cores[index])
      .map((part) => ({ say: [[part]], strength: PART_OF_NAME, not: [] }))],
  }));
}

export function compileVillage(vocabulary: VillageVocabulary, lexicon: Lexicon = builtInLexicon()): VillageModel {
  const synonyms = new Map(Object.entries({ ...lexicon.synonyms, ...vocabulary.synonyms }));
  const items = compileItems(vocabulary.rules, 'earn', lexicon, synonyms);
  const deductions = compileItems(vocabulary.deductions ?? [], 'deduct', lexicon, synonyms);
  const catalogue = compileCatalogue(vocabulary.catalogue ?? [], synonyms);
  const words = itemWords([...items, ...deductions, ...catalogue]);
  addWords([...words, ...synonyms.keys(), ...COMMAND_WORDS]);
  return {
    items, deductions, catalogue, households: vocabulary.households ?? [], synonyms,
    sounds: new SoundAlikes([...itemWords([...items, ...catalogue]), ...synonyms.keys(), ...COMMAND_WORDS]), known: new WordIndex(new Set(words)),
  };
}
