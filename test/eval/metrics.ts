/** One answer compared with its label. */
export interface Outcome {
  intent: string;
  /** jifen asked back instead of deciding. */
  asked: boolean;
  /** A careful person could not tell either: asking back is the right answer. */
  shouldAsk: boolean;
  correct: boolean;
  /** "gold → answer" when a confident answer was wrong. */
  confusion?: string;
}

export interface Score {
  n: number;
  /** Share answered without asking back, among messages that can be answered. */
  coverage: number;
  /** Share of confident answers that were right. */
  precision: number;
  answered: number;
}

export function score(outcomes: Outcome[]): Score {
  const answerable = outcomes.filter((o) => !o.shouldAsk);
  const answered = outcomes.filter((o) => !o.asked);
  return {
    n: outcomes.length,
    coverage: answerable.length === 0 ? 1 : answerable.filter((o) => !o.asked).length / answerable.length,
    precision: answered.length === 0 ? 1 : answered.filter((o) => o.correct).length / answered.length,
    answered: answered.length,
  };
}

export function confusions(outcomes: Outcome[]): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const o of outcomes) if (o.confusion) counts.set(o.confusion, (counts.get(o.confusion) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]);
}

export const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));
