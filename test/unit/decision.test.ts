import { describe, expect, it } from 'vitest';
import { parseDecision, type Decision } from '../../src/reviews/decision.ts';

describe('parseDecision', () => {
  const cases: Array<[string, Decision | undefined]> = [
    ['同意 1234', { verdict: 'approve', reference: 1234 }],
    ['同意1234', { verdict: 'approve', reference: 1234 }],
    ['同意：1234', { verdict: 'approve', reference: 1234 }],
    ['同意,1234', { verdict: 'approve', reference: 1234 }],
    ['同意 1234。', { verdict: 'approve', reference: 1234 }],
    ['同意 １２３４', { verdict: 'approve', reference: 1234 }],
    ['同意１２３４', { verdict: 'approve', reference: 1234 }],
    ['\u3000同意\u3000１２３４\u3000', { verdict: 'approve', reference: 1234 }],
    ['批准 1234', { verdict: 'approve', reference: 1234 }],
    ['通过，1234', { verdict: 'approve', reference: 1234 }],
    ['OK 1234', { verdict: 'approve', reference: 1234 }],
    ['ｏｋ 1234', { verdict: 'approve', reference: 1234 }],
    ['驳回 1234 不属实', { verdict: 'reject', reference: 1234, reason: '不属实' }],
    ['驳回1234，照片看不清', { verdict: 'reject', reference: 1234, reason: '照片看不清' }],
    ['不同意 1234 没看到', { verdict: 'reject', reference: 1234, reason: '没看到' }],
    ['拒绝 １２３４', { verdict: 'reject', reference: 1234 }],
    ['驳回 不属实', { verdict: 'reject', reason: '不属实' }],
    ['1', { verdict: 'approve' }],
    ['１', { verdict: 'approve' }],
    ['2', { verdict: 'reject' }],
    [' 2 ', { verdict: 'reject' }],
    ['同意', { verdict: 'approve' }],
    ['驳回', { verdict: 'reject' }],
    // An approval with words but no reference is chatter, not a decision.
    ['同意 我觉得可以', undefined],
    ['通过了吗', undefined],
    // A bare number is not a decision: the cadre's household may be declaring an item by number.
    ['1234', undefined],
    ['１２３４', undefined],
    ['3', undefined],
    ['你好', undefined],
    ['今天扫了院坝', undefined],
    ['', undefined],
  ];

  it.each(cases)('%j → %j', (input, expected) => {
    expect(parseDecision(input)).toEqual(expected);
  });

  it('reads 不同意 as a rejection although it contains 同意', () => {
    expect(parseDecision('不同意')).toEqual({ verdict: 'reject' });
  });
});
