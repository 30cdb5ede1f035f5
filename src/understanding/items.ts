import type { Concept, Lexicon, Say } from './lexicon.ts';
import type { Clause } from './text-analysis.ts';

/** What understanding needs of a village rule (positive or negative list). */
export interface RuleInfo {
  code: string;
  name: string;
  category: string;
  keywords?: readonly string[];
  evidence?: string | null;
}

interface Phrase {
  say: Say;
  /** 1 for a specific way of saying the item, less for a vague one that fits several. */
  strength: number;
  /** Words that, in the same clause, mean the phrase is not about this item. */
  not: readonly string[];
}

export interface Item {
  rule: RuleInfo;
  /** The number villagers use for it ("5" for P05): the code's digits, or its place in the list. */
  number: number;
  phrases: Phrase[];
}

export interface ItemMatch {
  item: Item;
  score: number;
  /** Where in the message it was found: clause index and character ranges. */
  clause: number;
  ranges: Array<[number, number]>;
  /** Found only after repairing a homophone. */
  heard: boolean;
}

/** Strength of a broad phrase ("打扫卫生" for yard, indoor or doorstep): never decides alone. */
const BROAD_STRENGTH = 0.6;
/** Words said together are said near each other: a long story's far-apart words are not one phrase. */
const PHRASE_REACH = 20;
/** A sound-alike match counts for a little less than the written word. */
const HEARD_FACTOR = 0.9;
const NAME_SEPARATORS = /[、，,（）()：:；;\s/]+|或|及/;
const LEADING_VERBS = /^(?:参加|参与|积极|主动|按时|做好|熟知|下载注册|下载|注册)/;
const NEGATIONS = new Set(['没', '没有', '不', '未', '莫', '别', '不要', '没去', '不得', '从来没', '从没', '不会', '不想', '没能']);
/** How many tokens back a negation reaches: 没扫院坝 negates 院坝 too. */
const NEGATION_REACH = 2;
const NEGATIVE_WORD = /^[没不未莫别]/;

/** Pieces of a rule's name a villager may write: "参加村民大会或院坝会" → 参加村民大会, 村民大会, 院坝会. */
function namePieces(name: string): string[] {
  const pieces = name.split(NAME_SEPARATORS).filter((piece) => piece.length >= 2);
  const withoutVerb = pieces.map((piece) => piece.replace(LEADING_VERBS, '')).filter((piece) => piece.length >= 2);
  return [...new Set([...pieces, ...withoutVerb])];
}

function numbering(rules: readonly RuleInfo[]): number[] {
  const digits = rules.map((rule) => Number(rule.code.replace(/\D/g, '') || NaN));
  const unique = digits.every((n) => Number.isInteger(n)) && new Set(digits).size === digits.length;
  return unique ? digits : rules.map((_, index) => index + 1);
}

/**
 * The concepts whose cues a text (a rule's name or category) holds. A cue inside a longer cue of
 * another concept does not count: 院坝会 (a meeting) is not 院坝 (the yard).
 */
function conceptsIn(text: string, lexicon: Lexicon): Concept[] {
  const found = lexicon.concepts.flatMap((concept) => concept.cues.flatMap((cue) => {
    const at = text.indexOf(cue);
    return at < 0 ? [] : [{ concept, start: at, end: at + cue.length }];
  }));
  return [...new Set(found.filter((f) => !found.some((g) => g.concept !== f.concept && g.start <= f.start && f.end <= g.end && g.end - g.start > f.end - f.start))
    .map((f) => f.concept))];
}

/** Builds the items of one village: its rules' own words, its keywords, and the lexicon's concepts they map to. */
export function compileItems(rules: readonly RuleInfo[], list: 'earn' | 'deduct', lexicon: Lexicon, synonyms: Map<string, string>): Item[] {
  lexicon = { ...lexicon, concepts: lexicon.concepts.filter((c) => c.list === list) };
  const numbers = numbering(rules);
  const standard = (word: string) => synonyms.get(word) ?? word;
  const items = rules.map((rule, index): Item & { concepts: Set<string> } => {
    const own = [...namePieces(rule.name), ...(rule.keywords ?? []).map(standard)];
    const byName = conceptsIn(rule.name, lexicon);
    const concepts = byName.length > 0 ? byName : conceptsIn(rule.category, lexicon);
    return {
      rule, number: numbers[index]!, concepts: new Set(concepts.map((c) => c.id)),
      phrases: [
        ...own.map((word) => ({ say: [[word]], strength: 1, not: [] })),
        ...concepts.flatMap((c) => c.says.map((say) => ({ say, strength: 1, not: c.not }))),
      ],
    };
  });
  for (const broad of lexicon.concepts.filter((c) => c.broad.length > 0)) {
    for (const item of items.filter((i) => broad.broad.some((id) => i.concepts.has(id)))) {
      item.phrases.push(...broad.says.map((say) => ({ say, strength: BROAD_STRENGTH, not: broad.not })));
    }
  }
  return items.map(({ concepts: _, ...item }) => item);
}

/** Every word the items look for: taught to the segmenter and to the sound-alike repair. */
export function itemWords(items: readonly Item[]): string[] {
  return [...new Set(items.flatMap((item) => item.phrases.flatMap((p) => [...p.say.flat(), ...p.not])))];
}

interface Occurrence {
  start: number;
  end: number;
  heard: boolean;
  /** A negation comes just before it (没扫院坝). */
  negated: boolean;
}

/**
 * Where a word occurs in a clause: on token boundaries, or inside one token that is not itself a
 * known word (院坝 inside 院坝会 does not count; 扫 inside 扫了 does).
 */
function occurrences(clause: Clause, word: string, known: Set<string>): Occurrence[] {
  const found: Occurrence[] = [];
  for (let at = clause.text.indexOf(word); at >= 0; at = clause.text.indexOf(word, at + 1)) {
    const end = at + word.length;
    const first = clause.tokens.findIndex((t) => t.start + t.word.length > at);
    const token = clause.tokens[first]!;
    const last = clause.tokens.findIndex((t) => t.start + t.word.length >= end);
    const aligned = token.start === at && clause.tokens[last]!.start + clause.tokens[last]!.word.length === end;
    const inside = first === last && !known.has(token.word);
    if (!aligned && !inside) continue;
    const negated = clause.tokens.slice(Math.max(0, first - NEGATION_REACH), first).some((t) => NEGATIONS.has(t.word));
    found.push({ start: at, end, heard: clause.tokens.slice(first, last + 1).some((t) => t.heard), negated });
  }
  return found;
}

type Finder = (clause: number, word: string) => Occurrence[];

/** Looks each word up once per clause: items share many words. */
function finder(clauses: Clause[], known: Set<string>): Finder {
  const cache = clauses.map(() => new Map<string, Occurrence[]>());
  return (index, word) => {
    let found = cache[index]!.get(word);
    if (!found) cache[index]!.set(word, (found = occurrences(clauses[index]!, word, known)));
    return found;
  };
}

function matchPhrase(item: Item, phrase: Phrase, clauses: Clause[], find: Finder): ItemMatch | undefined {
  for (let index = 0; index < clauses.length; index++) {
    if (phrase.not.some((word) => find(index, word).length > 0)) continue;
    const chosen: Occurrence[] = [];
    for (const group of phrase.say) {
      const hit = group.flatMap((word) => find(index, word))
        .find((o) => !chosen.some((c) => o.start < c.end && c.start < o.end));
      if (!hit) break;
      chosen.push(hit);
    }
    if (chosen.length < phrase.say.length) continue;
    if (Math.max(...chosen.map((o) => o.end)) - Math.min(...chosen.map((o) => o.start)) > PHRASE_REACH) continue;
    // 没扫院坝 is not a claim; 鞭炮 + 没放 says the negation itself.
    const first = chosen.reduce((a, b) => (b.start < a.start ? b : a));
    if (first.negated && !chosen.some((o) => NEGATIVE_WORD.test(clauses[index]!.text.slice(o.start, o.end)))) continue;
    const heard = chosen.some((o) => o.heard);
    return { item, score: phrase.strength * (heard ? HEARD_FACTOR : 1), clause: index, ranges: chosen.map((o) => [o.start, o.end]), heard };
  }
  return undefined;
}

/** Each item's best match in the message, strongest first. */
export function matchItems(items: readonly Item[], clauses: Clause[], known: Set<string>): ItemMatch[] {
  const find = finder(clauses, known);
  const matches: ItemMatch[] = [];
  for (const item of items) {
    let best: ItemMatch | undefined;
    for (const phrase of item.phrases) {
      const match = matchPhrase(item, phrase, clauses, find);
      if (match && (!best || match.score > best.score || (match.score === best.score && covered(match) > covered(best)))) best = match;
    }
    if (best) matches.push(best);
  }
  return matches.sort((a, b) => b.score - a.score || covered(b) - covered(a));
}

const covered = (match: ItemMatch) => match.ranges.reduce((sum, [start, end]) => sum + end - start, 0);

export function overlaps(a: ItemMatch, b: ItemMatch): boolean {
  return a.clause === b.clause && a.ranges.some(([s1, e1]) => b.ranges.some(([s2, e2]) => s1 < e2 && s2 < e1));
}
