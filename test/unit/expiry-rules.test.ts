import { describe, expect, it } from 'vitest';
import { expiryCalendar, unspentPoints } from '../../src/supermarket/expiry-rules.ts';

describe('expiry by end_of_year_plus_1: which years, as of a day', () => {
  it.each([
    ['2025-12-31', 2024, { due: [], warn: 2024 }], // 2024's points can still be spent; warned in December
    ['2026-01-01', 2024, { due: [2024] }], // from 1 January of Y+2 they have expired
    ['2026-06-15', 2023, { due: [2023, 2024] }], // years not yet expired by an earlier run, oldest first
    ['2026-12-01', 2024, { due: [2024], warn: 2025 }],
    ['2025-06-01', 2025, { due: [] }],
  ])('as of %s, first points earned in %i', (asOf, first, expected) => {
    expect(expiryCalendar(asOf, first)).toEqual(expected);
  });
});

describe('points of a year still unspent (oldest spent first)', () => {
  it.each([
    [{ earned: 10, spent: 7, balance: 8 }, 0, 3],
    [{ earned: 10, spent: 0, balance: 4 }, 0, 4], // never more than the balance
    [{ earned: 5, spent: 9, balance: 6 }, 0, 0], // spent more than the year earned: nothing of it is left
    [{ earned: 10, spent: 2, balance: 20 }, 5, 3], // a dry run counts what it would have expired of earlier years
    [{ earned: 10, spent: 2, balance: 20 }, 9, 0],
  ])('%o less %i not posted: %i', (sums, notPosted, unspent) => {
    expect(unspentPoints(sums, notPosted)).toBe(unspent);
  });
});
