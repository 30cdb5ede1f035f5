/**
 * Understanding throughput: messages/s of `understandVillager` on one core (the main thread, no
 * workers) over every villager message of the labelled fangniuping corpus, against jieba
 * segmentation alone over the same messages, measured in the same run. Runs first in
 * `npm run bench`, or alone: `npx tsx bench/understanding.ts`.
 *
 *   BENCH_UNDERSTANDING_MS=3000  length of one timed round (each is repeated 3 times; the median counts)
 *
 * Progress goes to stderr; stdout gets one line:
 *   RESULT understanding_msgs_per_s=<x> baseline_segment_msgs_per_s=<y> ratio=<x/y>
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { compileVillage } from '../src/understanding/model.ts';
import { segment } from '../src/understanding/segmenter.ts';
import { understandVillager } from '../src/understanding/villager.ts';
import { vocabularyOfFile } from '../src/understanding/vocabulary-file.ts';
import { readVillageFile } from '../src/village/village-file.ts';
import { envInt, fmt, log } from './util.ts';

/** The goal stated for understanding: this many messages per second on one core. */
export const GOAL_MSGS_PER_S = 5_000;
const ROUNDS = 3;
const WARM_UP_MS = 1_000;

const village = new URL('../example/fangniuping.yaml', import.meta.url).pathname;
const corpus = new URL('../test/fixtures/understanding/fangniuping.jsonl', import.meta.url);

export interface UnderstandingResult {
  messages: number;
  understandingMsgsPerS: number;
  segmentMsgsPerS: number;
}

/** Runs `handle` over the messages, whole passes at a time, for at least `ms`; messages per second. */
function throughput(messages: readonly string[], ms: number, handle: (text: string) => number): { perS: number; sink: number } {
  let count = 0;
  let sink = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    for (const text of messages) sink += handle(text);
    count += messages.length;
    elapsed = performance.now() - start;
  } while (elapsed < ms);
  return { perS: (count * 1000) / elapsed, sink };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function runUnderstandingBench(roundMs = envInt('BENCH_UNDERSTANDING_MS', 3_000)): Promise<UnderstandingResult> {
  const messages = readFileSync(corpus, 'utf8').split('\n').filter((line) => line.trim() !== '').map((line) => (JSON.parse(line) as { text: string }).text);
  // Compiling teaches the segmenter the village's words, so the baseline segments with the same dictionary.
  const model = compileVillage(vocabularyOfFile(await readVillageFile(village)));
  const understand = (text: string) => understandVillager(model, text).items.length;
  const cut = (text: string) => segment(text).length;
  log(`understanding: ${messages.length} villager messages, warm-up ${WARM_UP_MS} ms, then ${ROUNDS} rounds of ${roundMs} ms each`);
  throughput(messages, WARM_UP_MS, understand);
  throughput(messages, WARM_UP_MS / 2, cut);

  const understanding: number[] = [];
  const segmentation: number[] = [];
  let sink = 0;
  for (let round = 1; round <= ROUNDS; round++) {
    const u = throughput(messages, roundMs, understand);
    const s = throughput(messages, roundMs, cut);
    understanding.push(u.perS);
    segmentation.push(s.perS);
    sink += u.sink + s.sink;
    log(`understanding round ${round}: understandVillager ${fmt(u.perS)} msgs/s, segment ${fmt(s.perS)} msgs/s`);
  }
  const result = { messages: messages.length, understandingMsgsPerS: median(understanding), segmentMsgsPerS: median(segmentation) };
  const met = result.understandingMsgsPerS >= GOAL_MSGS_PER_S;
  log(`understanding: median ${fmt(result.understandingMsgsPerS)} msgs/s on one core (${fmt(1e6 / result.understandingMsgsPerS)} µs/msg), `
    + `segmentation alone ${fmt(result.segmentMsgsPerS)} msgs/s; goal ≥ ${GOAL_MSGS_PER_S} msgs/s ${met ? 'MET' : 'NOT MET'} (checksum ${sink})`);
  return result;
}

export function understandingResultLine(result: UnderstandingResult): string {
  return `RESULT understanding_msgs_per_s=${fmt(result.understandingMsgsPerS)} baseline_segment_msgs_per_s=${fmt(result.segmentMsgsPerS)} `
    + `ratio=${fmt(result.understandingMsgsPerS / result.segmentMsgsPerS)}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(understandingResultLine(await runUnderstandingBench()));
}
