import { normalizeText } from '../text.ts';
import { segment } from './segmenter.ts';
import type { SoundAlikes } from './sounds.ts';

/** A stretch of the message between punctuation: combinations of words must fall in one clause. */
export interface Clause {
  /** The clause's tokens after dialect words were replaced by standard ones, joined. */
  text: string;
  tokens: Token[];
}

export interface Token {
  word: string;
  start: number;
  /** Replaced because it sounded like a known word (a speech-recognition slip). */
  heard: boolean;
}

export interface Analysis {
  /** Normalized text: half-width, lower case, emoji removed. */
  text: string;
  clauses: Clause[];
}

const CLAUSE_BREAK = /^[\s，。！？；,.!?;：:~…\-—、"“”'‘’（）()【】\[\]]+$/;
const PICTOGRAPHS = /[\p{Extended_Pictographic}\u{FE0F}\u{200D}\u{1F3FB}-\u{1F3FF}]/gu;

/** Half-width, lower case, no emoji (they mean nothing to a claim and are not one character wide). */
export function cleanText(input: string): string {
  return normalizeText(input.replace(PICTOGRAPHS, ' ')).toLowerCase();
}

/** Segments a message into clauses of tokens, repairing homophones and mapping dialect words first. */
export function analyse(input: string, sounds: SoundAlikes, synonyms: Map<string, string>): Analysis {
  const text = cleanText(input);
  const firstCut = segment(text);
  const corrected = sounds.correct(text, firstCut);
  const tokens = corrected.text === text ? firstCut : segment(corrected.text);
  const clauses: Clause[] = [];
  let current: Clause = { text: '', tokens: [] };
  let offset = 0;
  for (const raw of tokens) {
    const heard = corrected.changed.slice(offset, offset + raw.length).some(Boolean);
    offset += raw.length;
    if (CLAUSE_BREAK.test(raw)) {
      if (current.tokens.length > 0) clauses.push(current);
      current = { text: '', tokens: [] };
      continue;
    }
    const word = synonyms.get(raw) ?? raw;
    current.tokens.push({ word, start: current.text.length, heard });
    current.text += word;
  }
  if (current.tokens.length > 0) clauses.push(current);
  return { text, clauses };
}
