import { describe, expect, it } from 'vitest';
import { smsSize } from '../../src/messages/segments.ts';

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
