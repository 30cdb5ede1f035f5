/**
 * `npm run eval`: how well jifen understands the labelled corpus in test/fixtures/understanding.
 * Prints precision of confident answers, coverage (answered without asking back) and the
 * confusion pairs, per intent and overall, for the tuning (dev) and held-out parts separately.
 * `--show dev` lists every wrong or asked-back dev message (never use it on the holdout).
 */
import { confusions, score, type Outcome } from './metrics.ts';
import { corpora, judgeCadre, judgeVillager, loadModel } from './evaluate.ts';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(6);
const show = process.argv.includes('--show') ? process.argv[process.argv.indexOf('--show') + 1] : undefined;

function report(title: string, outcomes: Array<Outcome & { answer: string; example: { text: string; split: string } }>) {
  console.log(`\n## ${title}`);
  for (const split of ['dev', 'holdout'] as const) {
    const part = outcomes.filter((o) => o.example.split === split);
    const intents = [...new Set(part.map((o) => o.intent))].sort();
    console.log(`\n${split} (${part.length} messages)        n  precision  coverage`);
    for (const intent of intents) {
      const s = score(part.filter((o) => o.intent === intent));
      console.log(`  ${intent.padEnd(22)} ${String(s.n).padStart(4)}   ${pct(s.precision)}    ${pct(s.coverage)}`);
    }
    const all = score(part);
    console.log(`  ${'overall'.padEnd(22)} ${String(all.n).padStart(4)}   ${pct(all.precision)}    ${pct(all.coverage)}`);
    const pairs = confusions(part);
    if (pairs.length > 0) console.log(`  confusions: ${pairs.map(([pair, n]) => `${pair}${n > 1 ? ` ×${n}` : ''}`).join('; ')}`);
    if (show === split) {
      for (const o of part.filter((o) => !o.correct && !(o.shouldAsk && o.asked))) console.log(`    ${o.asked ? 'ASK ' : 'WRONG'} ${o.example.text}  ⇒ ${o.answer}  (want ${o.intent}${'items' in o.example ? ` ${JSON.stringify(o.example.items)}` : ''})`);
    }
  }
}

const [fangniuping, shuangqiao] = [await loadModel('fangniuping'), await loadModel('shuangqiao')];
report('fangniuping villagers', corpora.fangniuping().map((e) => judgeVillager(fangniuping, e)));
report('shuangqiao villagers (a second village: other codes, wording and order)', corpora.shuangqiao().map((e) => judgeVillager(shuangqiao, e)));
report('fangniuping cadres', corpora.cadre().map((e) => judgeCadre(fangniuping, e)));
