/**
 * `npm run eval`: how well jifen understands the labelled corpus in test/fixtures/understanding.
 * Per village and split (dev for tuning, holdout for judging): precision of confident answers and
 * coverage (answered without asking back), per intent and overall, the confusion pairs, and the
 * calibration table (precision of claims by confidence band, read before any threshold).
 * `--calibrate` chooses each list size's confidence threshold from the dev split's readings and
 * writes src/understanding/calibration.json (run the evaluation again to see its effect).
 * `--show dev` lists every wrong or asked-back dev message (never use it on the holdout).
 * `--dev` prints the dev split only: what tuning runs, so that the holdout's figures are not seen.
 */
import { writeFileSync } from 'node:fs';
import { CALIBRATION_FILE, confidentAt, type Calibration } from '../../src/understanding/thresholds.ts';
import type { VillageModel } from '../../src/understanding/model.ts';
import { calibrationTable, chooseThreshold, type Graded } from './calibration.ts';
import type { Split, VillagerExample } from './corpus.ts';
import { corpora, gradeReading, judgeCadre, judgeVillager, loadModel } from './evaluate.ts';
import { confusions, score, type Outcome } from './metrics.ts';

const TARGET_PRECISION = 0.97;
/** A threshold must leave this share of claims answered (coverage ≥ 0.85 is asked of all messages). */
const ANSWERED_FLOOR = 0.9;
const SPLITS: Split[] = process.argv.includes('--dev') ? ['dev'] : ['dev', 'holdout'];
const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(6);
const show = process.argv.includes('--show') ? process.argv[process.argv.indexOf('--show') + 1] : undefined;
const calibrate = process.argv.includes('--calibrate');

type Judged = Outcome & { answer: string; example: { text: string; split: string } };

function report(title: string, outcomes: Judged[]) {
  console.log(`\n## ${title}`);
  for (const split of SPLITS) {
    const part = outcomes.filter((o) => o.example.split === split);
    console.log(`\n${split} (${part.length} messages)        n  precision  coverage`);
    for (const intent of [...new Set(part.map((o) => o.intent))].sort()) {
      const s = score(part.filter((o) => o.intent === intent));
      console.log(`  ${intent.padEnd(22)} ${String(s.n).padStart(4)}   ${pct(s.precision)}    ${pct(s.coverage)}`);
    }
    const all = score(part);
    console.log(`  ${'overall'.padEnd(22)} ${String(all.n).padStart(4)}   ${pct(all.precision)}    ${pct(all.coverage)}`);
    // Confusion pairs name messages: shown for dev only, the holdout is judged by its figures alone.
    const pairs = split === 'dev' ? confusions(part) : [];
    if (pairs.length > 0) console.log(`  confusions: ${pairs.map(([pair, n]) => `${pair}${n > 1 ? ` ×${n}` : ''}`).join('; ')}`);
    if (show === split) {
      for (const o of part.filter((o) => !o.correct && !(o.shouldAsk && o.asked))) console.log(`    ${o.asked ? 'ASK ' : 'WRONG'} ${o.example.text}  ⇒ ${o.answer}  (want ${o.intent}${'items' in o.example ? ` ${JSON.stringify(o.example.items)}` : ''})`);
    }
  }
}

function printCalibration(graded: Record<Split, Graded[]>, threshold: number) {
  console.log(`\ncalibration: claims read before the threshold, by confidence band (confident from ${threshold})`);
  console.log(`  band          ${SPLITS.map((s) => `${s.padStart(7)} n  precision`).join('   ')}`);
  const tables = SPLITS.map((split) => calibrationTable(graded[split]));
  tables[0]!.forEach((row, i) => {
    const cells = tables.map((t) => `${String(t[i]!.n).padStart(9)}  ${t[i]!.n === 0 ? '     -' : pct(t[i]!.correct / t[i]!.n)}`);
    console.log(`  [${row.from.toFixed(2)}, ${row.to.toFixed(2)}${row.to >= 1 ? ']' : ')'}  ${cells.join('      ')}`);
  });
}

const villages = [
  ['fangniuping', 'fangniuping villagers'],
  ['shuangqiao', 'shuangqiao villagers (a second village: other codes, wording and order)'],
  ['qinggang', 'qinggang villagers (a third village: a list after 新旗村, 泾源县)'],
] as const;
const chosen: Calibration['thresholds'] = [];
let fangniuping: VillageModel | undefined;
for (const [name, title] of villages) {
  const model = await loadModel(name);
  fangniuping ??= model;
  const examples: VillagerExample[] = corpora[name]();
  report(`${title}, ${model.items.length} items`, examples.map((e) => judgeVillager(model, e)));
  const graded = Object.fromEntries(SPLITS.map((split) => [split, examples.filter((e) => e.split === split)
    .map((e) => gradeReading(model, e)).filter((g): g is Graded => !!g)])) as Record<Split, Graded[]>;
  const threshold = chooseThreshold(graded.dev, TARGET_PRECISION, ANSWERED_FLOOR);
  chosen.push({ listSize: model.items.length, threshold });
  printCalibration(graded, confidentAt(model.items.length));
  if (threshold !== confidentAt(model.items.length)) console.log(`  the dev split now asks for ${threshold}: run \`npm run eval -- --calibrate\``);
}
report('fangniuping cadres', corpora.cadre().map((e) => judgeCadre(fangniuping!, e)));

if (calibrate) {
  const file: Calibration = { target: TARGET_PRECISION, answeredFloor: ANSWERED_FLOOR, split: 'dev', thresholds: chosen.sort((a, b) => a.listSize - b.listSize) };
  writeFileSync(CALIBRATION_FILE, `${JSON.stringify(file, null, 2)}\n`);
  console.log(`\nthresholds written to src/understanding/calibration.json: ${chosen.map((c) => `${c.listSize} items → ${c.threshold}`).join(', ')}`);
}
