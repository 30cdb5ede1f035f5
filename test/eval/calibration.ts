/** Precision of claims by confidence band, and the threshold that a target precision asks for. */
export interface Graded {
  confidence: number;
  correct: boolean;
}

export const BANDS = [0, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95] as const;

export interface BandRow {
  from: number;
  to: number;
  n: number;
  correct: number;
}

export function calibrationTable(graded: readonly Graded[]): BandRow[] {
  return BANDS.map((from, i) => {
    const to = BANDS[i + 1] ?? 1.0001;
    const inBand = graded.filter((g) => g.confidence >= from && g.confidence < to);
    return { from, to: Math.min(to, 1), n: inBand.length, correct: inBand.filter((g) => g.correct).length };
  });
}

/** One-sided 90% (z for the upper 10%): how sure the precision of a sample is at least what it shows. */
const Z = 1.2816;

/**
 * The Wilson score lower bound of a precision of `correct` out of `n`: a precision measured on a
 * few claims counts for less than the same on many, since the dev split is what the rules were
 * written from and is optimistic.
 */
export function lowerBound(correct: number, n: number): number {
  if (n === 0) return 0;
  const p = correct / n;
  return (p + (Z * Z) / (2 * n) - Z * Math.sqrt((p * (1 - p)) / n + (Z * Z) / (4 * n * n))) / (1 + (Z * Z) / n);
}

/**
 * The lowest threshold at which the claims at or above it are right at least `target` of the time
 * (the lower bound of their precision, see lowerBound), among thresholds that still answer `floor`
 * of the claims (asking back most messages is no answer either); when none reaches the target, the
 * threshold of the highest lower bound among those.
 */
export function chooseThreshold(graded: readonly Graded[], target: number, floor: number): number {
  const candidates = [...new Set(graded.map((g) => g.confidence))].sort((a, b) => a - b);
  let best = { threshold: candidates[0] ?? 0, precision: -1 };
  for (const threshold of candidates) {
    const answered = graded.filter((g) => g.confidence >= threshold);
    if (answered.length < floor * graded.length) break;
    const precision = lowerBound(answered.filter((g) => g.correct).length, answered.length);
    if (precision >= target) return threshold;
    if (precision > best.precision) best = { threshold, precision };
  }
  return best.threshold;
}
