import type { VillageFile } from '../village/village-file.ts';
import type { VillageVocabulary } from './model.ts';

/** A village file's words, for understanding without a database (`jifen classify`, the evaluation). */
export function vocabularyOfFile(file: VillageFile): VillageVocabulary {
  return {
    rules: file.rules,
    deductions: file.deductions ?? [],
    catalogue: file.catalogue ?? [],
    households: file.households.map((h) => ({ code: h.code, head: h.head, members: h.members.map((m) => m.name) })),
    synonyms: file.lexicon?.synonyms,
  };
}
