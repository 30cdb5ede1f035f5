import { performance } from 'node:perf_hooks';

/** Progress and findings go to stderr; stdout carries only the RESULT line. */
export function log(message: string): void {
  process.stderr.write(`[bench ${(performance.now() / 1000).toFixed(1).padStart(6)}s] ${message}\n`);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class TimeoutError extends Error {}

/** The benchmark's overall deadline: every wait checks it, so a stuck run always stops. */
export class Deadline {
  readonly at: number;
  constructor(ms: number) {
    this.at = Date.now() + ms;
  }

  get remaining(): number {
    return Math.max(0, this.at - Date.now());
  }

  check(what: string): void {
    if (Date.now() > this.at) throw new TimeoutError(`overall timeout reached while ${what}`);
  }

  /** Rejects with a TimeoutError if the promise has not settled by the deadline. */
  async race<T>(promise: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TimeoutError(`overall timeout reached while ${what}`)), this.remaining);
    });
    try {
      return await Promise.race([promise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Counting semaphore with a priority lane: cadre replies overtake queued villager claims. */
export class Limiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>, priority = false): Promise<T> {
    if (this.active >= this.limit) {
      await new Promise<void>((resolve) => (priority ? this.waiting.unshift(resolve) : this.waiting.push(resolve)));
    } else {
      this.active++;
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next(); // hand the slot over without releasing it
      else this.active--;
    }
  }
}

export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

/** Three significant digits, never dropping integer digits: 1234.5 → "1235", 12.345 → "12.3", 0.01234 → "0.0123". */
export function fmt(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const digits = Math.floor(Math.log10(Math.abs(value))) + 1;
  const decimals = Math.max(0, 3 - digits);
  return value.toFixed(decimals);
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export function stats(values: number[]): { n: number; mean: number; p50: number; p95: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, v) => sum + v, 0) / (sorted.length || 1);
  return { n: sorted.length, mean, p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted[sorted.length - 1] ?? NaN };
}

/** An error's message with its cause (drizzle wraps the driver's error and shows only the query). */
export function describeError(error: unknown): string {
  const e = error as Error & { cause?: unknown };
  const first = e?.message?.split('\n')[0] ?? String(error);
  return e?.cause ? `${first}: ${describeError(e.cause)}` : first;
}
