import { createInterface } from 'node:readline';
import { missesDetail, understandCadre, type CadreCommand } from '../understanding/cadre.ts';
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

/** One line of `jifen classify --cadre` output: the command with households and items by code. */
export function cadreClassification(text: string, command: CadreCommand) {
  const { intent, ...details } = command;
  return {
    text, intent, ...details,
    ...('household' in command ? { household: command.household?.code } : {}),
    ...('items' in command ? { items: codes(command.items) } : {}),
    ...('options' in command ? { options: codes(command.options) } : {}),
    clarify: missesDetail(command),
  };
}

/** Reads one message per line from stdin and prints one JSON object per line; needs no database. */
export async function classifyLines(villageFile: string, input: NodeJS.ReadableStream, output: NodeJS.WritableStream, asCadre = false): Promise<void> {
  const model = compileVillage(vocabularyOfFile(await readVillageFile(villageFile)));
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    if (line.trim() === '') continue;
    const classified = asCadre ? cadreClassification(line, understandCadre(model, line)) : classification(line, understandVillager(model, line));
    output.write(`${JSON.stringify(classified)}\n`);
  }
}
