import { describe, expect, it } from 'vitest';
import type { Rule, Village } from '../../src/db/schema/index.ts';
import { ONE_SEGMENT, pagesWithin } from '../../src/messages/pages.ts';
import { smsSize } from '../../src/messages/segments.ts';
import { needsTwoApprovers, reviewDelays } from '../../src/reviews/policy.ts';
import { templates } from '../../src/templates.ts';
import { objectionIn } from '../../src/understanding/objection.ts';

const village = (review?: Village['settings']['review']) => ({ settings: { review } }) as Village;
const rule = (points: number, extra: Partial<Rule> = {}) => ({ points, twoPerson: false, evidence: null, ...extra }) as Rule;

describe('the two-person rule (两人审核)', () => {
  it.each([
    ['2 points, no threshold', rule(2), 2, undefined, false],
    ['10 points, no threshold', rule(10), 10, undefined, false],
    ['4 points under a threshold of 5', rule(4), 4, 5, false],
    ['5 points at a threshold of 5', rule(5), 5, 5, true],
    ['marked two_person', rule(2, { twoPerson: true }), 2, undefined, true],
    ['evidence 需村委核实', rule(3, { evidence: '需村委核实' }), 3, undefined, true],
    ['evidence 写明帮助了谁', rule(3, { evidence: '写明帮助了谁' }), 3, 5, false],
  ])('%s', (_, item, points, twoPersonMinPoints, expected) => {
    expect(needsTwoApprovers(item, points, village(twoPersonMinPoints === undefined ? undefined : { twoPersonMinPoints }))).toBe(expected);
  });

  it('reminds after a day and escalates after three unless the village says otherwise', () => {
    expect(reviewDelays(village())).toMatchObject({ remindAfterHours: 24, escalateAfterHours: 72, remindMs: 86_400_000 });
    expect(reviewDelays(village({ remindAfterHours: 0.5, escalateAfterHours: 2 }))).toMatchObject({ remindMs: 1_800_000, escalateMs: 7_200_000 });
  });
});

describe('异议 (objections)', () => {
  it.each([
    ['异议 1234 他家没去开会', { reference: 1234, reason: '他家没去开会' }],
    ['异议1234', { reference: 1234, reason: undefined }],
    ['有异议 1234：原因：院坝没扫', { reference: 1234, reason: '院坝没扫' }],
    ['提异议 编号 5678 不属实', { reference: 5678, reason: '不属实' }],
    ['异议', { reference: undefined, reason: undefined }],
  ])('%s', (text, expected) => {
    expect(objectionIn(text)).toEqual(expected);
  });

  it.each(['同意 1234', '我对这个没有异议', '院坝会异议多'])('%s is no objection', (text) => {
    expect(objectionIn(text)).toBeUndefined();
  });
});

describe('待审 pages', () => {
  const page = (n: number, count: number, lines: string[]) => templates.review.listPage(12, n, count, lines);
  const lines = Array.from({ length: 12 }, (_, i) => templates.review.listLine(i + 1, 1000 + i, '何世友', '参加村民大会或院坝会', 2));

  it('splits a long list into pages of one SMS segment each, every line once and in order', () => {
    const pages = pagesWithin(lines, ONE_SEGMENT, page);
    expect(pages.length).toBeGreaterThan(1);
    for (const text of pages) expect(smsSize(text).segments).toBe(1);
    expect(pages[0]).toMatch(new RegExp(`^待审 12 条（1/${pages.length}）：1）1000 `));
    expect(pages.join('').match(/\d+）\d{4}/g)).toEqual(lines.map((l) => l.split(' ')[0]));
  });

  it('keeps a short list on one page without a page number', () => {
    expect(pagesWithin(lines.slice(0, 2), ONE_SEGMENT, page)).toEqual([templates.review.listPage(12, 1, 1, lines.slice(0, 2))]);
  });
});
