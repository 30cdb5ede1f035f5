import { describe, expect, it } from 'vitest';
import { WarmupRateLimiter, type RatePlan } from '../../../channels/wechaty/rate-limit.ts';

const DAY = 24 * 60 * 60_000;
const START = Date.parse('2026-03-01T00:00:00Z');
const plan = (overrides: Partial<RatePlan> = {}): RatePlan =>
  ({ warmupPerMinute: 5, maxPerMinute: 30, warmupDays: 7, startedAt: START, burst: 3, ...overrides });
/** A limiter at a flat rate, so the arithmetic is exact; the clock is whatever the test passes. */
const flat = (perMinute: number, burst = 1) => new WarmupRateLimiter(plan({ warmupPerMinute: perMinute, maxPerMinute: perMinute, burst }), START);

describe('warm-up', () => {
  it.each([
    { label: 'before the account started', at: START - DAY, rate: 5 },
    { label: 'on day 0', at: START, rate: 5 },
    { label: 'half-way (3.5 days)', at: START + 3.5 * DAY, rate: 17.5 },
    { label: 'on day 7', at: START + 7 * DAY, rate: 30 },
    { label: 'a month on', at: START + 30 * DAY, rate: 30 },
  ])('sends $rate a minute $label', ({ at, rate }) => {
    expect(new WarmupRateLimiter(plan(), START).ratePerMinute(at)).toBeCloseTo(rate, 9);
  });

  it('with no warm-up days sends at the maximum from the start', () => {
    expect(new WarmupRateLimiter(plan({ warmupDays: 0 }), START).ratePerMinute(START)).toBe(30);
  });

  it('a warmed-up account gets its next token sooner than a new one', () => {
    const fresh = new WarmupRateLimiter(plan({ burst: 1 }), START);
    const warmed = new WarmupRateLimiter(plan({ burst: 1 }), START + 7 * DAY);
    fresh.take(START);
    warmed.take(START + 7 * DAY);
    expect(fresh.take(START)).toEqual({ ok: false, retryAfterMs: 12_000 });
    expect(warmed.take(START + 7 * DAY)).toEqual({ ok: false, retryAfterMs: 2_000 });
  });
});

describe('token bucket', () => {
  it('lets a burst go back to back, then refuses with the time to the next token', () => {
    const limiter = flat(5, 3);
    expect([limiter.take(START), limiter.take(START), limiter.take(START)]).toEqual(Array(3).fill({ ok: true, waitMs: 0 }));
    expect(limiter.take(START)).toEqual({ ok: false, retryAfterMs: 12_000 });
  });

  it('a refusal takes nothing: the token is there when it said', () => {
    const limiter = flat(5);
    limiter.take(START);
    const refused = limiter.take(START + 2_000);
    expect(refused).toEqual({ ok: false, retryAfterMs: 10_000 });
    expect(limiter.take(START + 11_999)).toMatchObject({ ok: false });
    expect(limiter.take(START + 12_000)).toEqual({ ok: true, waitMs: 0 });
  });

  it('refills at the rate but never holds more than the burst', () => {
    const limiter = flat(6, 2);
    limiter.take(START);
    limiter.take(START);
    const anHourLater = START + 60 * 60_000;
    expect([limiter.take(anHourLater), limiter.take(anHourLater), limiter.take(anHourLater)]).toEqual([
      { ok: true, waitMs: 0 }, { ok: true, waitMs: 0 }, { ok: false, retryAfterMs: 10_000 },
    ]);
  });

  it('a token less than maxWaitMs away is reserved and waited for; each waiter gets a token of its own', () => {
    const limiter = flat(6);
    limiter.take(START);
    // 9.4 s later the next token is 0.6 s away.
    expect(limiter.take(START + 9_400, 1_000)).toEqual({ ok: true, waitMs: 600 });
    // The one after it is 10.6 s away: too long to wait in place.
    expect(limiter.take(START + 9_400, 1_000)).toEqual({ ok: false, retryAfterMs: 10_600 });
    expect(limiter.take(START + 9_400, 20_000)).toEqual({ ok: true, waitMs: 10_600 });
  });

  it('without maxWaitMs never waits', () => {
    const limiter = flat(6);
    limiter.take(START);
    expect(limiter.take(START + 9_999)).toEqual({ ok: false, retryAfterMs: 1 });
  });

  it('a clock that steps back adds no tokens', () => {
    const limiter = flat(6);
    limiter.take(START + 60_000);
    expect(limiter.take(START)).toMatchObject({ ok: false });
    expect(limiter.take(START + 60_000)).toEqual({ ok: false, retryAfterMs: 10_000 });
  });

  it('a burst below one still lets one message through', () => {
    const limiter = new WarmupRateLimiter(plan({ burst: 0 }), START);
    expect(limiter.take(START)).toEqual({ ok: true, waitMs: 0 });
    expect(limiter.take(START)).toMatchObject({ ok: false });
  });
});
