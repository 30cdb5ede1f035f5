import { describe, expect, it } from 'vitest';
import { corpora, judgeCadre, judgeVillager, loadModel } from '../../eval/evaluate.ts';
import { score, type Outcome } from '../../eval/metrics.ts';

/**
 * A floor under `npm run eval` on the dev split of the labelled corpus: precision of confident
 * answers and coverage (answered without asking back). Only the dev split: the holdout is for
 * judging, never for holding a tuned number in place.
 */
const PRECISION = 0.95;
const COVERAGE = 0.85;

const [fangniuping, shuangqiao, qinggang] = await Promise.all([loadModel('fangniuping'), loadModel('shuangqiao'), loadModel('qinggang')]);

const dev = <T extends Outcome & { example: { split: string } }>(outcomes: T[]) => outcomes.filter((o) => o.example.split === 'dev');

describe('the labelled corpus, dev split', () => {
  it.each([
    ['fangniuping villagers', () => dev(corpora.fangniuping().map((e) => judgeVillager(fangniuping, e)))],
    ['shuangqiao villagers', () => dev(corpora.shuangqiao().map((e) => judgeVillager(shuangqiao, e)))],
    ['qinggang villagers', () => dev(corpora.qinggang().map((e) => judgeVillager(qinggang, e)))],
    ['fangniuping cadres', () => dev(corpora.cadre().map((e) => judgeCadre(fangniuping, e)))],
  ])(`%s: precision ≥ ${PRECISION}, coverage ≥ ${COVERAGE}`, (_, outcomes) => {
    const s = score(outcomes());
    expect(s.n).toBeGreaterThan(50);
    expect(s.precision).toBeGreaterThanOrEqual(PRECISION);
    expect(s.coverage).toBeGreaterThanOrEqual(COVERAGE);
  });
});
