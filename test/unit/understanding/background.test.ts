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

  it('reads he or she as the person named before: a neighbour is helped, one\'s own elder is cared for', () => {
    expect(read('隔壁李婆婆屋头没人，我帮她把谷子挑回去了')).toEqual(['P12']);
    expect(read('婆婆年纪大了，我给她洗脚，也帮她洗衣服')).toEqual(['P10']);
    expect(read('老人婆八十九了，我每天帮她梳头洗脸')).toEqual(['P10']);
    expect(read('隔壁王大爷的儿子不在家，我帮他把老人送到医院')).toEqual(['P12']);
  });

  it('takes what is done for "them" as the act told after the pronoun: another item\'s act is that item', () => {
    expect(read('两口子吵架，我帮他们劝好了')).toEqual(['P19']);
    expect(read('邻居两口子打架，我去劝开了，后来又帮他们把打烂的窗子修好了')).toEqual(['P12', 'P19']);
  });

  it('knows nothing where its own clause says it is not known yet', () => {
    expect(read('干部来抽问医保报销，我都答上了，教育资助的政策我还没搞清楚')).toEqual(['P01']);
  });

  it('reads a campaign\'s, a pledge\'s or a discussion\'s content as background', () => {
    expect(read('我和她一起去的，我们两个到每家每户去宣传垃圾分类，我是志愿者')).toEqual(['P15']);
  });

  it('does not take rubbish put in the bin for sorting, nor a cry for help for a rescue', () => {
    expect(read('院坝扫了，扫出来的垃圾倒到垃圾桶了')).toEqual(['P05']);
    expect(read('听到隔壁有人喊救命，我赶紧打了120')).toEqual([]);
  });

  it('takes no words from a clause that denies', () => {
    expect(read('院坝扫了，屋里就没弄了')).toEqual(['P05']);
  });
});
