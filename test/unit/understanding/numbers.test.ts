import { describe, expect, it } from 'vitest';
import { anyNumber, chineseNumber } from '../../../src/understanding/numbers.ts';

describe('chineseNumber', () => {
  it.each([
    ['一', 1],
    ['二', 2],
    ['两', 2],
    ['五', 5],
    ['九', 9],
    ['十', 10],
    ['十二', 12],
    ['十九', 19],
    ['二十', 20],
    ['二十五', 25],
    ['九十九', 99],
  ])('%s → %i', (text, expected) => {
    expect(chineseNumber(text)).toBe(expected);
  });

  it.each([
    [''],
    ['零'], // not an item number
    ['一百'],
    ['百'],
    ['十十'],
    ['五五'], // digits side by side are no number
    ['二十两'], // 两 only counts in the tens
    ['十二三'],
    ['5'],
    ['十2'],
    ['五项'],
    [' 五'],
    ['abc'],
  ])('%j → undefined', (text) => {
    expect(chineseNumber(text)).toBeUndefined();
  });
});

describe('anyNumber', () => {
  it.each([
    ['5', 5],
    ['12', 12],
    ['007', 7],
    ['999', 999],
    ['0', 0],
    ['五', 5],
    ['十二', 12],
    ['二十五', 25],
    ['两', 2],
  ])('%j → %i', (text, expected) => {
    expect(anyNumber(text)).toBe(expected);
  });

  it.each([
    [''],
    ['1234'], // four digits are a review reference, not a number of items
    ['-1'],
    ['1.5'],
    ['12a'],
    ['p5'],
    [' 5'],
    ['一百'],
    ['五五'],
  ])('%j → undefined', (text) => {
    expect(anyNumber(text)).toBeUndefined();
  });
});
