import { describe, expect, it } from 'vitest';
import { confidentAt } from '../../../src/understanding/thresholds.ts';
import { readVillager, understandVillager } from '../../../src/understanding/villager.ts';
import { calibrationTable, chooseThreshold, lowerBound } from '../../eval/calibration.ts';
import { codes, FANGNIUPING, villageModel } from './village.ts';

const fangniuping = await villageModel(FANGNIUPING);
const read = (text: string) => codes(readVillager(fangniuping, text).items);

describe('each claimed item needs its own evidence', () => {
  it('drops an item whose word is a piece of another item\'s word (和 in 劝和)', () => {
    expect(read('他们婆媳吵架，我去劝和了')).toEqual(['P19']);
  });

  it('keeps two items that share a verb but each have their own object', () => {
    expect(read('屋里和门口都扫了')).toEqual(['P06', 'P07']);
    expect(read('院坝扫了，垃圾也分了类')).toEqual(['P05', 'P08']);
  });

  it('gives two items told apart more confidence than two run together', () => {
    const apart = readVillager(fangniuping, '院坝扫了，又去开了院坝会');
    const together = readVillager(fangniuping, '屋里门口都扫了');
    expect(codes(apart.items)).toEqual(['P03', 'P05']);
    expect(together.items.length).toBe(2);
    expect(apart.confidence).toBeGreaterThan(together.confidence);
  });

  it('asks with a menu, never decides, below the calibrated threshold', () => {
    const u = understandVillager(fangniuping, '屋里门口都扫了');
    const reading = readVillager(fangniuping, '屋里门口都扫了');
    expect(reading.confidence < confidentAt(fangniuping.items.length)).toBe(u.clarify);
    if (u.clarify) expect(codes(u.options)).toEqual(codes(reading.items));
  });
});

describe('the calibrated threshold', () => {
  const table = [{ listSize: 16, threshold: 0.7 }, { listSize: 22, threshold: 0.8 }, { listSize: 25, threshold: 0.75 }];

  it('is the nearest calibrated list size\'s, the stricter on a tie', () => {
    expect(confidentAt(16, table)).toBe(0.7);
    expect(confidentAt(40, table)).toBe(0.75);
    expect(confidentAt(19, table)).toBe(0.8);
    expect(confidentAt(12, table)).toBe(0.7);
  });

  it('is chosen as the lowest confidence whose claims are surely right often enough, answering enough of them', () => {
    const graded = [
      { confidence: 0.6, correct: false }, { confidence: 0.7, correct: true }, { confidence: 0.8, correct: false },
      ...Array.from({ length: 100 }, () => ({ confidence: 0.95, correct: true })),
    ];
    expect(chooseThreshold(graded, 0.97, 0.5)).toBe(0.95);
    expect(chooseThreshold(graded, 0.95, 0.5)).toBe(0.6);
    // 17 right of 17 is not yet surely 97% right: the threshold of the highest lower bound
    expect(lowerBound(17, 17)).toBeLessThan(0.97);
    expect(chooseThreshold(graded.slice(0, 20), 0.97, 0.5)).toBe(0.95);
    // answering 90% leaves only 0.6 and 0.7: the surer of them
    expect(chooseThreshold(graded.slice(0, 20), 0.97, 0.9)).toBe(0.7);
    expect(calibrationTable(graded).find((row) => row.from === 0.95)).toEqual({ from: 0.95, to: 1, n: 100, correct: 100 });
  });
});
