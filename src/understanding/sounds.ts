import { createRequire } from 'node:module';

/** pinyin-pro, loaded on first use (its dictionaries take a third of a second): start-up and the CLI never need it. */
let pinyinPro: typeof import('pinyin-pro') | undefined;
const loadPinyin = () => (pinyinPro ??= createRequire(import.meta.url)('pinyin-pro') as typeof import('pinyin-pro'));

/**
 * A syllable without tone, with the distinctions speech recognisers and southwestern Mandarin
 * blur merged: zh/z, ch/c, sh/s, n/l, f/h, -ing/-in, -eng/-en.
 */
function looseSyllable(syllable: string): string {
  return syllable.replace(/^([zcs])h/, '$1').replace(/^l/, 'n').replace(/^f/, 'h').replace(/(i|e)ng$/, '$1n');
}

/** One toneless syllable per character (other characters stand for themselves), -ing/-in and -eng/-en merged. */
function tonelessSyllables(text: string): string[] {
  return loadPinyin().pinyin(text, { toneType: 'none', type: 'array' }).map((syllable) => syllable.replace(/(i|e)ng$/, '$1n'));
}

/** One loose syllable per character of the text. */
function syllables(text: string): string[] {
  return tonelessSyllables(text).map(looseSyllable);
}

const HAN = /^\p{Script=Han}+$/u;
/** Particles: sharing only one of them is no sign of the word (剪了 is not 捡了). */
const PARTICLE = /[了的过着子儿得地]/;

interface SoundTerm {
  term: string;
  keys: string[];
}

export interface Corrected {
  text: string;
  /** Positions of characters replaced because they sounded like a known word. */
  changed: boolean[];
}

/**
 * Repairs speech-recognition homophones against known words: 院爸 → 院坝, 拉机分类 → 垃圾分类,
 * 自愿服务 → 志愿服务. A span is replaced only when it sounds like the word, shares at least one
 * character with it (not a particle such as 了) and is a whole run of segmenter tokens (so 开回来 never becomes 开会来). A
 * two-character word is riskier: it must sound exactly alike and must not be a word of its own
 * (主人 stays 主人, not 主任).
 */
export class SoundAlikes {
  private readonly byOpening = new Map<string, SoundTerm[]>();

  constructor(terms: Iterable<string>) {
    for (const term of new Set(terms)) {
      if (term.length < 2 || !HAN.test(term)) continue;
      const keys = term.length === 2 ? tonelessSyllables(term) : syllables(term);
      const opening = `${keys[0]} ${keys[1]}`;
      const list = this.byOpening.get(opening) ?? [];
      list.push({ term, keys });
      this.byOpening.set(opening, list.sort((a, b) => b.keys.length - a.keys.length));
    }
  }

  correct(text: string, tokens: string[]): Corrected {
    const boundaries = new Set<number>([0]);
    const wholeWords = new Set<number>();
    let offset = 0;
    for (const token of tokens) {
      if (token.length >= 2) wholeWords.add(offset);
      boundaries.add((offset += token.length));
    }
    const toneless = tonelessSyllables(text);
    const loose = toneless.map(looseSyllable);
    const changed = new Array<boolean>(text.length).fill(false);
    let result = '';
    let i = 0;
    while (i < text.length) {
      const found = this.soundAlikeAt(text, loose, i, boundaries) ?? this.soundAlikeAt(text, toneless, i, boundaries, wholeWords);
      if (found) {
        result += found;
        if (found !== text.slice(i, i + found.length)) changed.fill(true, i, i + found.length);
        i += found.length;
      } else {
        result += text[i];
        i++;
      }
    }
    return { text: result, changed };
  }

  /** With `wholeWords`, only two-character terms, which must not replace a word of the text. */
  private soundAlikeAt(text: string, keys: string[], at: number, boundaries: Set<number>, wholeWords?: Set<number>): string | undefined {
    if (!boundaries.has(at)) return undefined;
    for (const { term, keys: termKeys } of this.byOpening.get(`${keys[at]} ${keys[at + 1]}`) ?? []) {
      if ((term.length === 2) !== !!wholeWords) continue;
      const end = at + term.length;
      if (wholeWords?.has(at) && boundaries.has(end) && text.slice(at, end) !== term) continue;
      if (!boundaries.has(end) || !termKeys.every((key, k) => keys[at + k] === key)) continue;
      const span = text.slice(at, end);
      if (span === term) return term;
      if (HAN.test(span) && [...span].some((ch, k) => term[k] === ch && !PARTICLE.test(ch))) return term;
    }
    return undefined;
  }
}
