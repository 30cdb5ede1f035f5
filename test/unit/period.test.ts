import { describe, expect, it } from 'vitest';
import { dayKey, localDate, periodKey } from '../../src/claims/period.ts';

const SHANGHAI = 'Asia/Shanghai';
const at = (iso: string) => new Date(iso);

describe('periodKey in Asia/Shanghai', () => {
  it.each([
    // instant (UTC)             week        month      year    term           day
    ['2026-11-25T04:00:00Z', '2026-W48', '2026-11', '2026', '2026-autumn', '2026-11-25'],
    // 2026-03-01 is a Sunday: 23:59:59 in Shanghai is still ISO week 9, one second later is Monday of week 10.
    ['2026-03-01T15:59:59Z', '2026-W09', '2026-03', '2026', '2026-spring', '2026-03-01'],
    ['2026-03-01T16:00:00Z', '2026-W10', '2026-03', '2026', '2026-spring', '2026-03-02'],
    // Still 31 December in UTC, already New Year's Day in Shanghai.
    ['2026-12-31T15:59:59Z', '2026-W53', '2026-12', '2026', '2026-autumn', '2026-12-31'],
    ['2026-12-31T16:00:00Z', '2026-W53', '2027-01', '2027', '2026-autumn', '2027-01-01'],
    // 2026 has 53 ISO weeks (1 January 2026 is a Thursday); week 1 of 2027 begins Monday 4 January.
    ['2027-01-01T04:00:00Z', '2026-W53', '2027-01', '2027', '2026-autumn', '2027-01-01'],
    ['2027-01-03T15:59:59Z', '2026-W53', '2027-01', '2027', '2026-autumn', '2027-01-03'],
    ['2027-01-03T16:00:00Z', '2027-W01', '2027-01', '2027', '2026-autumn', '2027-01-04'],
    // Week 1 can start in the previous December, and early January can belong to the previous year's last week.
    ['2025-12-28T15:00:00Z', '2025-W52', '2025-12', '2025', '2025-autumn', '2025-12-28'],
    ['2025-12-28T16:00:00Z', '2026-W01', '2025-12', '2025', '2025-autumn', '2025-12-29'],
    ['2024-12-30T04:00:00Z', '2025-W01', '2024-12', '2024', '2024-autumn', '2024-12-30'],
    ['2021-01-03T04:00:00Z', '2020-W53', '2021-01', '2021', '2020-autumn', '2021-01-03'],
    // School terms: January belongs to the autumn term of the year before; February starts spring; August starts autumn.
    ['2027-01-15T04:00:00Z', '2027-W02', '2027-01', '2027', '2026-autumn', '2027-01-15'],
    ['2027-01-31T15:59:59Z', '2027-W04', '2027-01', '2027', '2026-autumn', '2027-01-31'],
    ['2027-01-31T16:00:00Z', '2027-W05', '2027-02', '2027', '2027-spring', '2027-02-01'],
    ['2026-07-31T15:59:59Z', '2026-W31', '2026-07', '2026', '2026-spring', '2026-07-31'],
    ['2026-07-31T16:00:00Z', '2026-W31', '2026-08', '2026', '2026-autumn', '2026-08-01'],
  ])('%s → %s %s %s %s, day %s', (instant, week, month, year, term, day) => {
    const date = at(instant);
    expect(periodKey('week', date, SHANGHAI)).toBe(week);
    expect(periodKey('month', date, SHANGHAI)).toBe(month);
    expect(periodKey('year', date, SHANGHAI)).toBe(year);
    expect(periodKey('term', date, SHANGHAI)).toBe(term);
    expect(periodKey(null, date, SHANGHAI)).toBe('all');
    expect(dayKey(date, SHANGHAI)).toBe(day);
  });

  it('counts in the timezone it is given, not the server’s', () => {
    const newYearInShanghai = at('2026-12-31T16:30:00Z');
    expect(dayKey(newYearInShanghai, 'UTC')).toBe('2026-12-31');
    expect(periodKey('month', newYearInShanghai, 'UTC')).toBe('2026-12');
    expect(periodKey('year', newYearInShanghai, 'UTC')).toBe('2026');
    const mondayInShanghai = at('2027-01-03T16:00:00Z');
    expect(periodKey('week', mondayInShanghai, 'UTC')).toBe('2026-W53');
    expect(periodKey('week', mondayInShanghai, SHANGHAI)).toBe('2027-W01');
  });

  it('gives every day of a Monday-to-Sunday week the same key, and the next Monday another', () => {
    const keys = Array.from({ length: 8 }, (_, i) => periodKey('week', at(`2026-11-${String(23 + i).padStart(2, '0')}T02:00:00Z`), SHANGHAI));
    expect(keys).toEqual([...Array(7).fill('2026-W48'), '2026-W49']);
  });

  it('localDate reads the calendar date in the timezone', () => {
    expect(localDate(at('2026-12-31T16:00:00Z'), SHANGHAI)).toEqual({ year: 2027, month: 1, day: 1 });
    expect(localDate(at('2026-12-31T16:00:00Z'), 'UTC')).toEqual({ year: 2026, month: 12, day: 31 });
  });
});
