import { readFileSync } from 'node:fs';

/**
 * The confidence a claim needs to be decided without asking back, per size of a village's positive
 * list. Chosen by `npm run eval -- --calibrate` from the calibration table of the labelled corpus
 * (the lowest confidence at which claims on the dev split are right often enough), never by hand.
 */
export interface Calibration {
  target: number;
  answeredFloor: number;
  split: string;
  thresholds: Array<{ listSize: number; threshold: number }>;
}

export const CALIBRATION_FILE = new URL('./calibration.json', import.meta.url);

const calibration = JSON.parse(readFileSync(CALIBRATION_FILE, 'utf8')) as Calibration;

/** The threshold of the calibrated list size nearest to this one (the stricter on a tie). */
export function confidentAt(listSize: number, table = calibration.thresholds): number {
  let best = table[0]!;
  for (const entry of table) {
    const nearer = Math.abs(entry.listSize - listSize) - Math.abs(best.listSize - listSize);
    if (nearer < 0 || (nearer === 0 && entry.threshold > best.threshold)) best = entry;
  }
  return best.threshold;
}
