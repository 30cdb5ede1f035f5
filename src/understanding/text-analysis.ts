import { normalizeText } from '../text.ts';
import { segment } from './segmenter.ts';
import type { SoundAlikes } from './sounds.ts';

/** A stretch of the message between punctuation: words said together fall in one clause or the next. */
export interface Token {
  word: string;
  /** Position in the analysed text. */
  start: number;
  clause: number;
  /** Replaced because it sounded like a known word (a speech-recognition slip). */
  heard: boolean;
}

export interface Analysis {
  /** The tokens after dialect words were replaced by standard ones, clauses joined by CLAUSE_MARK. */
  text: string;
  tokens: Token[];
  clauses: number;
}

/** Joins clauses in the analysed text, so that no word is found across a clause break. */
export const CLAUSE_MARK = '|';
const CLAUSE_BREAK = /^[\s，。！？；,.!?;：:~…\-—、"“”'‘’（）()【】\[\]|]+$/;
const SPACES = /^\s+$/;
const PICTOGRAPHS = /[\p{Extended_Pictographic}\u{FE0F}\u{200D}\u{1F3FB}-\u{1F3FF}]/gu;

/** Half-width, lower case, no emoji (they mean nothing to a claim and are not one character wide). */
export function cleanText(input: string): string {
  return normalizeText(input.replace(PICTOGRAPHS, ' ')).toLowerCase();
}

/**
 * Segments a message into tokens, repairing homophones and mapping dialect words first. Spaces
 * separate words (a pause in a transcript, a list in an SMS) but not clauses.
 */
export function analyse(input: string, sounds: SoundAlikes, synonyms: Map<string, string>): Analysis {
  const cleaned = cleanText(input);
  const firstCut = segment(cleaned);
  const corrected = sounds.correct(cleaned, firstCut);
  const cut = corrected.text === cleaned ? firstCut : segment(corrected.text);
  const tokens: Token[] = [];
  let text = '';
  let clause = 0;
  let offset = 0;
  for (const raw of cut) {
    const heard = corrected.changed.slice(offset, offset + raw.length).some(Boolean);
    offset += raw.length;
    if (SPACES.test(raw)) continue;
    if (CLAUSE_BREAK.test(raw)) {
      if (text !== '' && !text.endsWith(CLAUSE_MARK)) {
        text += CLAUSE_MARK;
        clause++;
      }
      continue;
    }
    const word = synonyms.get(raw) ?? raw;
    tokens.push({ word, start: text.length, clause, heard });
    text += word;
  }
  if (text.endsWith(CLAUSE_MARK)) return { text: text.slice(0, -1), tokens, clauses: clause };
  return { text, tokens, clauses: clause + 1 };
}
