import { createInterface } from 'node:readline';
import { compileVillage } from '../understanding/model.ts';
import { understandVillager, type Understanding } from '../understanding/villager.ts';
import { vocabularyOfFile } from '../understanding/vocabulary-file.ts';
import { readVillageFile } from '../village/village-file.ts';

const codes = (items: Understanding['items']) => items.map((item) => item.rule.code);

/** One line of `jifen classify` output for a villager's message. */
export function classification(text: string, understanding: Understanding) {
  return {
    text,
    intent: understanding.intent,
    items: codes(understanding.items),
    confidence: Math.round(understanding.confidence * 100) / 100,
    clarify: understanding.clarify,
    ...(understanding.options.length > 0 ? { options: codes(understanding.options) } : {}),
    ...(understanding.needsDetail.length > 0 ? { needsDetail: codes(understanding.needsDetail) } : {}),
  };
}

/** Reads one message per line from stdin and prints one JSON object per line; needs no database. */
export async function classifyLines(villageFile: string, input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Promise<void> {
  const model = compileVillage(vocabularyOfFile(await readVillageFile(villageFile)));
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    if (line.trim() === '') continue;
    output.write(`${JSON.stringify(classification(line, understandVillager(model, line)))}\n`);
  }
}
