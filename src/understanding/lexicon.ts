import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { packageRoot } from '../package-root.ts';

/** One way of saying something: every group must be present (any one of its alternatives). */
export type Say = string[][];

export interface Concept {
  id: string;
  /** Words that, in a rule's name or category, make the rule this concept. */
  cues: string[];
  says: Say[];
  /** Words that, in the same clause, rule this concept out. */
  not: string[];
  /** For a vague way of speaking: the concepts it may mean. */
  broad: string[];
  /** Which list the concept's items are on: earn (正面清单) or deduct (负面清单). */
  list: 'earn' | 'deduct';
  /** Done for oneself (one's own yard): in a clause where one helps someone (帮她扫院坝), it is that help. */
  forSelf: boolean;
  /** Done for others: one's own family (我婆婆, 自家老人) is not others. */
  forOthers: boolean;
  /** Words one of which the message must hold for this concept to be said clearly (知道 for knowing a policy). */
  needs: string[];
}

export interface Lexicon {
  /** Dialect or colloquial word → the standard word the concepts are written in. */
  synonyms: Record<string, string>;
  concepts: Concept[];
}

interface LexiconFile {
  synonyms?: Record<string, string>;
  concepts?: Record<string, { cues?: string[]; says?: string[]; not?: string[]; broad?: string[]; list?: 'earn' | 'deduct'; for?: 'self' | 'others'; needs?: string[] }>;
}

/** "院坝|院子 + 扫|打扫" → [[院坝, 院子], [扫, 打扫]]. */
export function parseSay(text: string): Say {
  return text.split('+').map((group) => group.split('|').map((word) => word.trim()).filter(Boolean)).filter((group) => group.length > 0);
}

export function parseLexicon(text: string): Lexicon {
  const file = parseYaml(text) as LexiconFile;
  return {
    synonyms: file.synonyms ?? {},
    concepts: Object.entries(file.concepts ?? {}).map(([id, concept]) => ({
      id, cues: concept.cues ?? [], says: (concept.says ?? []).map(parseSay), not: concept.not ?? [], broad: concept.broad ?? [], list: concept.list ?? 'earn',
      forSelf: concept.for === 'self', forOthers: concept.for === 'others', needs: concept.needs ?? [],
    })),
  };
}

let builtIn: Lexicon | undefined;

/** The lexicon shipped with jifen (lexicon.yaml beside this file), read when first needed: parsing it is a good part of a start-up. */
export const builtInLexicon = (): Lexicon => (builtIn ??= parseLexicon(readFileSync(path.join(packageRoot, 'src/understanding/lexicon.yaml'), 'utf8')));
