import { missesDetail, understandCadre } from '../../src/understanding/cadre.ts';
import { compileVillage, type VillageModel } from '../../src/understanding/model.ts';
import { readVillager, understandVillager } from '../../src/understanding/villager.ts';
import { vocabularyOfFile } from '../../src/understanding/vocabulary-file.ts';
import { readVillageFile } from '../../src/village/village-file.ts';
import { readCorpus, villageFiles, type CadreExample, type VillagerExample } from './corpus.ts';
import { sameSet, type Outcome } from './metrics.ts';

export async function loadModel(village: keyof typeof villageFiles): Promise<VillageModel> {
  return compileVillage(vocabularyOfFile(await readVillageFile(villageFiles[village])));
}

/** A claim read without a threshold, graded: what the calibration table counts. */
export function gradeReading(model: VillageModel, example: VillagerExample): { confidence: number; correct: boolean } | undefined {
  const reading = readVillager(model, example.text);
  if (reading.intent !== 'claim' || reading.clarify || reading.items.length === 0) return undefined;
  const correct = !example.ambiguous && example.intent === 'claim' && sameSet(reading.items.map((i) => i.rule.code), example.items);
  return { confidence: reading.confidence, correct };
}

export function judgeVillager(model: VillageModel, example: VillagerExample): Outcome & { example: VillagerExample; answer: string } {
  const understanding = understandVillager(model, example.text);
  const items = understanding.items.map((i) => i.rule.code);
  const shouldAsk = !!example.ambiguous;
  const correct = !shouldAsk && understanding.intent === example.intent && (example.intent !== 'claim' || sameSet(items, example.items));
  const label = (intent: string, codes: readonly string[]) => (intent === 'claim' ? `claim[${[...codes].sort().join('+')}]` : intent);
  const answer = understanding.clarify ? `ask[${understanding.options.map((i) => i.rule.code).join('|')}]` : label(understanding.intent, items);
  const gold = shouldAsk ? 'ambiguous' : label(example.intent, example.items);
  return {
    example, answer, intent: example.intent, asked: understanding.clarify, shouldAsk, correct,
    confusion: !understanding.clarify && !correct ? `${gold} → ${answer}` : undefined,
  };
}

/** A cadre command is right when its intent and every labelled detail match; it asks back when a needed detail is missing. */
export function judgeCadre(model: VillageModel, example: CadreExample): Outcome & { example: CadreExample; answer: string } {
  const command = understandCadre(model, example.text);
  const asked = missesDetail(command);
  const details: string[] = [];
  let correct = command.intent === example.intent;
  if ('reference' in command && command.reference !== example.reference) correct = false;
  if ('household' in command && example.household !== undefined && command.household?.code !== example.household) correct = false;
  if ((command.intent === 'deduct' || command.intent === 'redeem') && example.items && !sameSet(command.items.map((i) => i.rule.code), example.items)) correct = false;
  if (command.intent === 'redeem' && command.quantity !== (example.quantity ?? 1)) correct = false;
  if ('reference' in command) details.push(`#${command.reference ?? '-'}`);
  if ('household' in command) details.push(command.household?.code ?? '?');
  if ('items' in command) details.push(command.items.map((i) => i.rule.code).join('+') || '?');
  if ('quantity' in command) details.push(`x${command.quantity}`);
  const answer = `${command.intent}(${details.join(' ')})`;
  return { example, answer, intent: example.intent, asked, shouldAsk: false, correct, confusion: !asked && !correct ? `${example.intent} → ${answer}` : undefined };
}

export const corpora = {
  fangniuping: () => readCorpus<VillagerExample>('fangniuping'),
  shuangqiao: () => readCorpus<VillagerExample>('shuangqiao'),
  qinggang: () => readCorpus<VillagerExample>('qinggang'),
  cadre: () => readCorpus<CadreExample>('cadre'),
};
