import { backgroundOf, inBackground, isPerson, isPronoun, ownOrCompanion, pronounOfOthers, type Background } from './background.ts';
import type { Concept, Lexicon, Say } from './lexicon.ts';
import { CLAUSE_MARK, type Analysis } from './text-analysis.ts';

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
  /**
   * The concept's kind (see lexicon.ts): done for oneself, for others, or said clearly only beside
   * one of `needs`, undenied, in its clause or the next (我还没搞清楚 knows nothing).
   */
  forSelf?: boolean;
  forOthers?: boolean;
  needs?: readonly string[];
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
  /** The phrase's first word (what it is about), then all its words, as ranges of the analysed text. */
  head: [number, number];
  ranges: Array<[number, number]>;
  /** Found only after repairing a homophone. */
  heard: boolean;
}

/** Strength of a broad phrase ("打扫卫生" for yard, indoor or doorstep): never decides alone. */
const BROAD_STRENGTH = 0.6;
/** Words said together are said near each other: a long story's far-apart words are not one phrase. */
const PHRASE_REACH = 20;
/** Words said in a clause and the next ("老妈80多了，是我在照顾") count for a little less. */
const ACROSS_CLAUSES = 0.9;
/** A sound-alike match counts for a little less than the written word. */
const HEARD_FACTOR = 0.9;
/** Help of "him" or "her" counts for less than help of a neighbour named, and less than words across clauses. */
const PRONOUN_FACTOR = 0.85;
/** Told only as a talk's content or setting: a weak reading, never claimed beside a clear one. */
const BACKGROUND_FACTOR = 0.5;
const NAME_SEPARATORS = /[、，,（）()：:；;\s/]+|或|及/;
const LEADING_VERBS = /^(?:参加|参与|积极|主动|按时|做好|熟知|下载注册|下载|注册)/;
const NEGATIONS = new Set(['没', '没有', '不', '未', '莫', '别', '不要', '没去', '不得', '从来没', '从没', '不会', '不想', '没能']);
/** How many tokens back a negation reaches: 没扫院坝 negates 院坝 too. */
const NEGATION_REACH = 2;
const NEGATIVE_WORD = /^[没不未莫别]/;
/**
 * Verbs of doing in general: a negation before them denies the thing named after them (没去开院坝会),
 * and a thing named first is denied by them after it (垃圾分类我没搞, 门口的垃圾还没倒).
 */
const DOING = new Set(['去', '来', '开', '参加', '搞', '弄', '做', '去成', '倒', '懂', '弄懂', '搞懂', '整', '办', '成']);

/** A negation of doing after a word, in its clause, denies it: 垃圾分类我没搞, 志愿者活动我没去成. */
function deniedAfter(tokens: Analysis['tokens'], last: number): boolean {
  const clause = tokens[last]!.clause;
  for (let i = last + 1; i < tokens.length - 1 && tokens[i]!.clause === clause; i++) {
    if (NEGATIONS.has(tokens[i]!.word) && tokens[i + 1]!.clause === clause && DOING.has(tokens[i + 1]!.word)) return true;
  }
  return false;
}

/** A negation just before a word (没扫院坝), or before verbs of doing only that lead to it (没去开院坝会). */
function deniedBefore(tokens: Analysis['tokens'], first: number): boolean {
  const clause = tokens[first]!.clause;
  for (let i = first - 1; i >= 0 && tokens[i]!.clause === clause; i--) {
    if (NEGATIONS.has(tokens[i]!.word)) return true;
    if (first - i >= NEGATION_REACH && !DOING.has(tokens[i]!.word)) return false;
  }
  return false;
}

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
    // The rule's own words need what its concepts all need: 医保报销 alone names a policy, 知道 says one knows it.
    const needs = concepts.length > 0 && concepts.every((c) => c.needs.length > 0) ? concepts.flatMap((c) => c.needs) : [];
    return {
      rule, number: numbers[index]!, concepts: new Set(concepts.map((c) => c.id)),
      phrases: [
        ...own.map((word) => ({ say: [[word]], strength: 1, not: [], needs })),
        ...concepts.flatMap((c) => c.says.map((say) => ({ say, strength: 1, not: c.not, forSelf: c.forSelf, forOthers: c.forOthers, needs: c.needs }))),
      ],
    };
  });
  // A category named alone ("孝老爱亲") fits every item in it.
  for (const item of items) item.phrases.push({ say: [[item.rule.category]], strength: BROAD_STRENGTH, not: [] });
  for (const broad of lexicon.concepts.filter((c) => c.broad.length > 0)) {
    for (const item of items.filter((i) => broad.broad.some((id) => i.concepts.has(id)))) {
      item.phrases.push(...broad.says.map((say) => ({ say, strength: BROAD_STRENGTH, not: broad.not, forSelf: broad.forSelf })));
    }
  }
  return items.map(({ concepts: _, ...item }) => item);
}

/** Every word the items look for: taught to the segmenter and to the sound-alike repair. */
export function itemWords(items: readonly Item[]): string[] {
  return [...new Set(items.flatMap((item) => item.phrases.flatMap((p) => [...p.say.flat(), ...p.not, ...(p.needs ?? [])])))];
}

interface Occurrence {
  start: number;
  end: number;
  clause: number;
  heard: boolean;
  /** A negation comes just before it (没扫院坝). */
  negated: boolean;
}

/**
 * Where a word occurs: on token boundaries, or inside one token. What a phrase is about (its first
 * word) does not count inside another known word: 院坝 inside 院坝会 is a meeting, not the yard;
 * the other words may where they begin it (打扫 inside 打扫干净, 扫 inside 扫了), not at its end
 * (好 inside 劝好 is the mediation's, not a couple getting on well).
 */
function occurrences(analysis: Analysis, word: string, known: ReadonlySet<string>, head: boolean): Occurrence[] {
  const { text, tokens } = analysis;
  const found: Occurrence[] = [];
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
    const end = at + word.length;
    const first = tokens.findIndex((t) => t.start + t.word.length > at);
    const last = tokens.findIndex((t) => t.start + t.word.length >= end);
    const token = tokens[first]!;
    const aligned = token.start === at && tokens[last]!.start + tokens[last]!.word.length === end;
    const inside = first === last && !(known.has(token.word) && (head || token.start !== at));
    if (!aligned && !inside) continue;
    found.push({
      start: at, end, clause: token.clause, heard: tokens.slice(first, last + 1).some((t) => t.heard),
      negated: deniedBefore(tokens, first) || deniedAfter(tokens, last),
    });
  }
  return found;
}

/** The words items look for, indexed by first character so one pass over a message tells which occur. */
export class WordIndex {
  private readonly byFirst = new Map<string, string[]>();

  constructor(readonly words: ReadonlySet<string>) {
    for (const word of words) {
      const list = this.byFirst.get(word[0]!) ?? [];
      list.push(word);
      this.byFirst.set(word[0]!, list);
    }
  }

  /** The indexed words found anywhere in the text. */
  present(text: string): Set<string> {
    const found = new Set<string>();
    for (let i = 0; i < text.length; i++) {
      for (const word of this.byFirst.get(text[i]!) ?? []) if (text.startsWith(word, i)) found.add(word);
    }
    return found;
  }
}

type Finder = (word: string, head: boolean) => Occurrence[];
const NONE: Occurrence[] = [];

/** Looks each word up once per message (items share many words), and only words the message has. */
function finder(analysis: Analysis, index: WordIndex): Finder {
  const present = index.present(analysis.text);
  const caches = [new Map<string, Occurrence[]>(), new Map<string, Occurrence[]>()];
  return (word, head) => {
    if (!present.has(word)) return NONE;
    const cache = caches[head ? 1 : 0]!;
    let found = cache.get(word);
    if (!found) cache.set(word, (found = occurrences(analysis, word, index.words, head)));
    return found;
  };
}

const clauseEnd = (text: string, at: number) => (text.indexOf(CLAUSE_MARK, at) + 1 || text.length + 1) - 1;

const distance = (a: Occurrence, b: Occurrence) => Math.max(a.start - b.end, b.start - a.end, 0);

function occurrencesOf(words: readonly string[], find: Finder, head: boolean): Occurrence[] {
  const all: Occurrence[] = [];
  for (const word of words) for (const o of find(word, head)) all.push(o);
  return all;
}

/** The occurrence nearest to `head`, at most one clause away and not overlapping those already chosen. */
function nearest(candidates: Occurrence[], head: Occurrence, chosen: Occurrence[]): Occurrence | undefined {
  let best: Occurrence | undefined;
  for (const o of candidates) {
    if (Math.abs(o.clause - head.clause) > 1 || chosen.some((c) => o.start < c.end && c.start < o.end)) continue;
    if (!best || distance(o, head) < distance(best, head)) best = o;
  }
  return best;
}

/** A word of knowing in the phrase's clauses says whether it is known (还没搞清楚: not); else one in the clause before or after. */
function knownHere(needed: readonly Occurrence[], first: number, last: number): boolean {
  const own = needed.filter((o) => o.clause >= first && o.clause <= last);
  if (own.length > 0) return own.some((o) => !o.negated);
  return needed.some((o) => !o.negated && o.clause >= first - 1 && o.clause <= last + 1);
}

/**
 * One's own yard swept for someone else is help (帮她把院坝扫了); one's own mother cared for is not
 * help of others, nor is she when a pronoun stands for her.
 */
function forWhom(phrase: Phrase, chosen: readonly Occurrence[], text: string, background: Background): boolean {
  if (phrase.forSelf && chosen.some((o) => background.forOthers.has(o.clause))) return false;
  if (!phrase.forOthers) return true;
  return !chosen.some((o) => {
    const word = text.slice(o.start, o.end);
    return isPerson(word) && (ownOrCompanion(text, o.start) || (isPronoun(word) && !pronounOfOthers(text, o.start)));
  });
}

/**
 * Tries each place the phrase's first word occurs, with the nearest occurrence of each other word:
 * in the same clause, or else in the next or previous one (for a little less).
 */
function matchPhrase(item: Item, phrase: Phrase, analysis: Analysis, find: Finder, background: Background): ItemMatch | undefined {
  const heads = occurrencesOf(phrase.say[0]!, find, true);
  if (heads.length === 0) return undefined;
  const others = phrase.say.slice(1).map((group) => occurrencesOf(group, find, false));
  if (others.some((list) => list.length === 0)) return undefined;
  const nots = phrase.not.length > 0 ? occurrencesOf(phrase.not, find, false) : [];
  const needed = phrase.needs?.length ? occurrencesOf(phrase.needs, find, false) : undefined;
  let best: ItemMatch | undefined;
  for (const head of heads) {
    const chosen = [head];
    for (const list of others) {
      const found = nearest(list, head, chosen);
      if (!found) break;
      chosen.push(found);
    }
    if (chosen.length < phrase.say.length) continue;
    let first = head.clause;
    let last = head.clause;
    let start = head.start;
    let end = head.end;
    for (const o of chosen) {
      first = Math.min(first, o.clause);
      last = Math.max(last, o.clause);
      start = Math.min(start, o.start);
      end = Math.max(end, o.end);
    }
    if (last - first > 1 || end - start > PHRASE_REACH) continue;
    if (nots.some((o) => o.clause >= first && o.clause <= last)) continue;
    // 没扫院坝 is not a claim; 鞭炮 + 没放 says the negation itself.
    if (chosen.some((o) => o.negated) && !chosen.some((o) => NEGATIVE_WORD.test(analysis.text.slice(o.start, o.end)))) continue;
    if (!forWhom(phrase, chosen, analysis.text, background)) continue;
    if (background.planned.has(head.clause)) continue;
    // Words of the next clause, where that clause denies (屋里就没弄了), are not this act's.
    if (first !== last && chosen.some((o) => background.denying.has(o.clause))) continue;
    const heard = chosen.some((o) => o.heard);
    const ranges = chosen.map((o): [number, number] => [o.start, o.end]);
    // 帮他们劝好了: what is done for "them" is told after the pronoun, and may be another item's act.
    const pronoun = chosen.find((o) => isPronoun(analysis.text.slice(o.start, o.end)));
    if (pronoun) ranges.push([pronoun.end, clauseEnd(analysis.text, pronoun.end)]);
    const strength = phrase.strength * (needed && !knownHere(needed, first, last) ? BROAD_STRENGTH : 1);
    const score = strength * (first === last ? 1 : ACROSS_CLAUSES) * (heard ? HEARD_FACTOR : 1) * (pronoun ? PRONOUN_FACTOR : 1) * (inBackground(background, ranges) ? BACKGROUND_FACTOR : 1);
    if (!best || score > best.score) {
      best = { item, score, head: [head.start, head.end], ranges, heard };
    }
  }
  return best;
}

/** Each item's best match in the message, strongest first. */
export function matchItems(items: readonly Item[], analysis: Analysis, index: WordIndex): ItemMatch[] {
  const find = finder(analysis, index);
  const background = backgroundOf(analysis);
  const matches: ItemMatch[] = [];
  for (const item of items) {
    let best: ItemMatch | undefined;
    for (const phrase of item.phrases) {
      const match = matchPhrase(item, phrase, analysis, find, background);
      if (match && (!best || match.score > best.score || (match.score === best.score && covered(match) > covered(best)))) best = match;
    }
    if (best) matches.push(best);
  }
  return matches.sort((a, b) => b.score - a.score || covered(b) - covered(a));
}

/** How many characters of the message a match's words cover. */
export const covered = (match: ItemMatch) => match.ranges.reduce((sum, [start, end]) => sum + end - start, 0);

/** Two matches are about the same words when their heads (the phrase's first word: the yard, the meeting) overlap. */
export function overlaps(a: ItemMatch, b: ItemMatch): boolean {
  return a.head[0] < b.head[1] && b.head[0] < a.head[1];
}
