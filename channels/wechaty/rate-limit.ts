const DAY_MS = 24 * 60 * 60_000;

/** Whole milliseconds, up, ignoring floating-point dust (0.06 tokens at 6 a minute is 600 ms, not 601). */
const ceilMs = (ms: number) => Math.ceil(ms - 1e-6);

export interface RatePlan {
  /** Messages per minute on the account's first day. */
  warmupPerMinute: number;
  /** Messages per minute once warmed up. */
  maxPerMinute: number;
  /** Days from the first rate to the last, growing linearly; 0: the last rate from the start. */
  warmupDays: number;
  /** Epoch ms the account started sending: day 0 of the warm-up. */
  startedAt: number;
  /** Tokens the bucket holds: messages that may go back to back. */
  burst: number;
}

export type Take = { ok: true; waitMs: number } | { ok: false; retryAfterMs: number };

/**
 * A token bucket per WeChat account whose refill rate warms up: a new account that suddenly sends a
 * lot is what WeChat restricts. Time is passed in (epoch ms), so tests drive it without sleeping.
 * The refill between two calls uses the rate at the later one; the rate changes over days, calls come
 * seconds apart.
 */
export class WarmupRateLimiter {
  private tokens: number;
  private updatedAt: number;

  private readonly plan: RatePlan;

  constructor(plan: RatePlan, now: number) {
    this.plan = { ...plan, burst: Math.max(1, plan.burst) };
    this.tokens = this.plan.burst;
    this.updatedAt = now;
  }

  /** The refill rate at a moment, in messages per minute. */
  ratePerMinute(now: number): number {
    const { warmupPerMinute, maxPerMinute, warmupDays, startedAt } = this.plan;
    if (warmupDays <= 0) return maxPerMinute;
    const progress = Math.min(1, Math.max(0, (now - startedAt) / (warmupDays * DAY_MS)));
    return warmupPerMinute + (maxPerMinute - warmupPerMinute) * progress;
  }

  /**
   * Takes a token. `ok` with waitMs 0: send now; `ok` with waitMs > 0: the token is reserved, send
   * after waiting that long (at most maxWaitMs); not `ok`: nothing taken, a token comes in retryAfterMs.
   */
  take(now: number, maxWaitMs = 0): Take {
    this.refill(now);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true, waitMs: 0 };
    }
    // Reserved tokens leave the bucket below zero, so each waiter waits for a token of its own.
    const waitMs = ceilMs(((1 - this.tokens) * 60_000) / this.ratePerMinute(now));
    if (waitMs > maxWaitMs) return { ok: false, retryAfterMs: waitMs };
    this.tokens -= 1;
    return { ok: true, waitMs };
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.updatedAt);
    this.tokens = Math.min(this.plan.burst, this.tokens + (elapsed * this.ratePerMinute(now)) / 60_000);
    this.updatedAt = Math.max(this.updatedAt, now);
  }
}
