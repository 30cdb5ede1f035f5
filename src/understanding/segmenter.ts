import { createRequire } from 'node:module';
import type { Jieba } from '@node-rs/jieba';

const require = createRequire(import.meta.url);

/** Frequency given to our own words: high enough that 院坝会 stays one word instead of 院坝 + 会. */
const OWN_WORD_FREQUENCY = 20_000;

let jieba: Jieba | undefined;
const added = new Set<string>();

/**
 * The process's one segmenter, made on first use: loading jieba and its dictionary takes a fifth of
 * a second and ~30 MB, which a process that understands no message (the CLI, a start-up) never pays.
 */
function segmenter(): Jieba {
  if (!jieba) {
    const { Jieba: Segmenter } = require('@node-rs/jieba') as typeof import('@node-rs/jieba');
    const { dict } = require('@node-rs/jieba/dict.js') as typeof import('@node-rs/jieba/dict.js');
    jieba = Segmenter.withDict(dict);
  }
  return jieba;
}

/** Teaches the segmenter words of the lexicon and of villages' rules, so they come out whole. */
export function addWords(words: Iterable<string>): void {
  const fresh = [...new Set(words)].filter((word) => word.length >= 2 && !added.has(word) && !/\s/.test(word));
  if (fresh.length === 0) return;
  segmenter().loadDict(Buffer.from(fresh.map((word) => `${word} ${OWN_WORD_FREQUENCY}`).join('\n')));
  for (const word of fresh) added.add(word);
}

export function segment(text: string): string[] {
  return segmenter().cut(text, false);
}
