import { describe, expect, it } from 'vitest';
import { smsSize } from '../../src/messages/segments.ts';
import { templates } from '../../src/templates.ts';

describe('smsSize', () => {
  it.each([
    ['', 'GSM-7', 1],
    ['a'.repeat(160), 'GSM-7', 1],
    ['a'.repeat(161), 'GSM-7', 2],
    ['a'.repeat(306), 'GSM-7', 2],
    ['a'.repeat(307), 'GSM-7', 3],
    ['{'.repeat(80), 'GSM-7', 1], // extension characters take two units
    ['{'.repeat(81), 'GSM-7', 2],
    ['已入账 +2分', 'UCS-2', 1],
    ['积'.repeat(70), 'UCS-2', 1],
    ['积'.repeat(71), 'UCS-2', 2],
    ['积'.repeat(134), 'UCS-2', 2],
    ['积'.repeat(135), 'UCS-2', 3],
    ['😀'.repeat(35), 'UCS-2', 1], // each emoji is two UTF-16 units
    ['😀'.repeat(36), 'UCS-2', 2],
  ])('%j → %s, %d segment(s)', (text, encoding, segments) => {
    expect(smsSize(text)).toEqual({ encoding, segments });
  });
});

describe('routine texts fit one SMS segment (each segment is paid for)', () => {
  it.each([
    ['claim received', templates.claimReceived('室内卫生整洁、物品摆放有序', 2, 1234)],
    ['posted', templates.posted(10, 12345)],
    ['rejected', templates.rejected('帮助邻里、做好人好事', '照片看不清，请补充说明')],
    ['balance', templates.balance('FNP-003', 12345, 56789)],
    ['review request', templates.reviewRequest('放牛坪村', 1234, 'FNP-003', '王兰英', '庭院卫生整洁', 2)],
    ['cap reached', templates.capReached('庭院卫生整洁', 1, '每周')],
    ['binding code', templates.binding.code('123456', 10, '微信')],
    ['opted out', templates.optedOut()],
  ])('%s', (_name, text) => {
    expect(smsSize(text).segments).toBe(1);
  });
});
