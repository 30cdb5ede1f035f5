import { describe, expect, it } from 'vitest';
import type { Rule } from '../../src/db/schema/index.ts';
import { appealFiling, planDecision } from '../../src/deductions/appeal-rules.ts';

const rule = { id: 1, code: 'N01', name: '乱倒垃圾、乱堆乱放', points: -2 } as Rule;
const other = { id: 2, code: 'N02', name: '焚烧秸秆', points: -3 } as Rule;
const recorded = { state: 'recorded' as const, transactionId: 7, pointsListed: 2 };

describe('an appeal (申诉)', () => {
  it.each([
    ['recorded', undefined, 'file'],
    ['appealed', undefined, 'already_appealed'],
    ['appealed', 'appealed', 'filed'], // this message filed it: a job run again answers as the first run did
    ['upheld', undefined, 'already_decided'],
    ['revoked', undefined, 'already_decided'],
    ['changed', undefined, 'already_decided'],
  ] as const)('of a deduction %s (moved by this message: %s) is %s', (state, moved, filing) => {
    expect(appealFiling(state, moved)).toBe(filing);
  });
});

describe('a decision on a deduction', () => {
  it('维持 only an appealed deduction, changing no points', () => {
    expect(planDecision(recorded, rule, { verdict: 'uphold' })).toBeUndefined();
    expect(planDecision({ ...recorded, state: 'appealed' }, rule, { verdict: 'uphold' })).toEqual({ from: ['appealed'], to: 'upheld', reversesPosting: false });
  });

  it('撤销 reverses the posting, when points were taken', () => {
    expect(planDecision(recorded, rule, { verdict: 'revoke' })).toEqual({ from: ['recorded', 'appealed'], to: 'revoked', reversesPosting: true });
    expect(planDecision({ ...recorded, transactionId: null }, rule, { verdict: 'revoke' })?.reversesPosting).toBe(false);
  });

  it('改 reverses and replaces: another item at its listed points, or the same item at the points the cadre says', () => {
    expect(planDecision(recorded, rule, { verdict: 'change', rule: other })?.replacement).toEqual({ rule: other, points: undefined });
    expect(planDecision(recorded, rule, { verdict: 'change', points: 1 })?.replacement).toEqual({ rule, points: 1 });
    expect(planDecision(recorded, rule, { verdict: 'change', rule: other, points: 5 })).toEqual({
      from: ['recorded', 'appealed'], to: 'changed', reversesPosting: true, replacement: { rule: other, points: 5 },
    });
  });

  it('nothing decides a deduction decided already', () => {
    for (const state of ['upheld', 'revoked', 'changed'] as const) {
      for (const verdict of ['uphold', 'revoke', 'change'] as const) expect(planDecision({ ...recorded, state }, rule, { verdict })).toBeUndefined();
    }
  });
});
