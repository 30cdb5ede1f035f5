import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../package-root.ts';

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

// Found from the package root, so the compiled CLI in dist/ reads the same file as the sources.
export const CALIBRATION_FILE = path.join(packageRoot, 'src/understanding/calibration.json');

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
