import { describe, expect, it } from 'vitest';
import { readVillager } from '../../../src/understanding/villager.ts';
import { codes, FANGNIUPING, villageModel } from './village.ts';

const fangniuping = await villageModel(FANGNIUPING);
const read = (text: string) => codes(readVillager(fangniuping, text).items);

describe('what a message tells only as background is not claimed', () => {
  it('reads a talk\'s content as what was said, not as an item of its own', () => {
    expect(read('去听了政策宣讲，讲的是教育资助')).toEqual(['P04']);
    expect(read('院坝会我去开了，讲的是医保缴费')).toEqual(['P03']);
    expect(read('医保交了')).toEqual(['P25']);
  });

  it('reads a yard swept for someone else as help, and one\'s own yard as the yard', () => {
    expect(read('帮五保户张大爷劈了柴，又帮他扫了院坝')).toEqual(['P12']);
    expect(read('院坝扫了')).toEqual(['P05']);
  });

  it('reads care of one\'s own family as filial piety, not as helping others', () => {
    expect(read('我妈和我婆婆都是我在照顾')).toEqual(['P10']);
    expect(read('隔壁刘婆婆一个人住，我每天帮她挑水')).toEqual(['P12']);
  });

  it('does not take a companion for the one helped', () => {
    expect(read('昨天晚上有个贼娃子偷鸡，我和几个邻居把他撵到逮到了')).toEqual(['P14']);
  });

  it('needs a word of knowing for a policy known: its name alone is not enough', () => {
    expect(read('我老汉住院了，医保报销也是我去跑的')).toEqual(['P10']);
    expect(read('医保报销的事情我搞清楚了')).toEqual(['P01']);
  });

  it('takes no words from a clause that denies', () => {
    expect(read('院坝扫了，屋里就没弄了')).toEqual(['P05']);
  });
});
