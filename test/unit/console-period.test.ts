import { describe, expect, it } from 'vitest';
import { periodOf } from '../../src/console/scope.ts';

describe('a console page\'s period (village days)', () => {
  const now = new Date('2026-12-03T17:00:00Z'); // 2026-12-04 01:00 in China

  it('defaults to the 30 days up to today in the village\'s timezone', () => {
    expect(periodOf({}, 'Asia/Shanghai', now)).toEqual({ from: '2026-11-04', to: '2026-12-04' });
    expect(periodOf({}, 'UTC', now)).toEqual({ from: '2026-11-03', to: '2026-12-03' });
  });

  it('takes the days asked for, empty fields as not given', () => {
    expect(periodOf({ from: '2026-01-01', to: '2026-01-31' }, 'Asia/Shanghai', now)).toEqual({ from: '2026-01-01', to: '2026-01-31' });
    expect(periodOf({ from: '', to: '2026-03-31' }, 'Asia/Shanghai', now)).toEqual({ from: '2026-03-01', to: '2026-03-31' });
  });

  it('refuses a day not on the calendar or a period that ends before it begins', () => {
    expect(periodOf({ from: '2026-02-30' }, 'Asia/Shanghai', now)).toBeUndefined();
    expect(periodOf({ from: '2026-02-02', to: '2026-02-01' }, 'Asia/Shanghai', now)).toBeUndefined();
  });
});
