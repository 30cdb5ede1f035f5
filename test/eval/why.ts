/**
 * `npx tsx test/eval/why.ts <village> <message>…`: how a message is read, step by step (tokens,
 * each item's best match with its words, the choice and the confidence). For dev messages only.
 */
import { choose } from '../../src/understanding/choose.ts';
import { matchItems } from '../../src/understanding/items.ts';
import { analyse } from '../../src/understanding/text-analysis.ts';
import { readVillager } from '../../src/understanding/villager.ts';
import { confidentAt } from '../../src/understanding/thresholds.ts';
import { loadModel } from './evaluate.ts';

const [village, ...messages] = process.argv.slice(2);
const model = await loadModel(village as 'fangniuping');
for (const message of messages) {
  const analysis = analyse(message, model.sounds, model.synonyms);
  console.log(`\n${message}\n  tokens: ${analysis.tokens.map((t) => `${t.word}${t.heard ? '*' : ''}/${t.clause}`).join(' ')}`);
  const matches = matchItems(model.items, analysis, model.known);
  for (const m of matches) console.log(`  ${m.item.rule.code} ${m.score.toFixed(3)} head=${analysis.text.slice(...m.head)} words=${m.ranges.map((r) => analysis.text.slice(...r)).join('+')}`);
  const choice = choose(matches);
  const reading = readVillager(model, message);
  console.log(`  choice: items=${choice.items.map((i) => i.rule.code)} options=${choice.options.map((i) => i.rule.code)} explained=${choice.explained}`);
  console.log(`  reading: ${reading.intent} ${reading.items.map((i) => i.rule.code)} confidence=${reading.confidence} (threshold ${confidentAt(model.items.length)}) clarify=${reading.clarify}`);
}
