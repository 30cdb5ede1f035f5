import { describe, expect, it } from 'vitest';
import { segment } from '../../../src/understanding/segmenter.ts';
import { SoundAlikes } from '../../../src/understanding/sounds.ts';

/** Known words as a village's items and commands give them, including ones a repair must not reach for. */
const sounds = new SoundAlikes(['院坝', '院坝会', '垃圾分类', '志愿服务', '没烧', '扫', '主任', '开会', '积分', '取消']);
const correct = (text: string) => sounds.correct(text, segment(text));

describe('SoundAlikes.correct repairs speech-recognition homophones', () => {
  it.each([
    ['院爸扫干净了', '院坝扫干净了'],
    ['我把院爸扫了', '我把院坝扫了'],
    ['拉机分类投放了', '垃圾分类投放了'],
    ['参加了自愿服务', '参加了志愿服务'],
    ['村里那个院把会', '村里那个院坝会'],
    ['积份多少', '积分多少'],
    ['取销', '取消'],
  ])('%s → %s', (heard, meant) => {
    expect(correct(heard).text).toBe(meant);
  });

  it('takes no particle for a shared character: 剪了 is not 捡了', () => {
    expect(new SoundAlikes(['捡了']).correct('剪了指甲', segment('剪了指甲')).text).toBe('剪了指甲');
  });

  it('marks the replaced characters, and only them', () => {
    expect(correct('院爸扫干净了').changed).toEqual([true, true, false, false, false, false]);
    expect(correct('参加了自愿服务').changed).toEqual([false, false, false, true, true, true, true]);
  });

  it.each([
    ['今天没扫院坝'], // 没扫 sounds like 没烧 but is the words 没 and 扫
    ['没扫'],
    ['我家主人不在'], // 主人 is a word of its own, not a misheard 主任
    ['主人'],
    ['他开回来了'], // 开会 would cut across the words 开 and 回来
    ['开回来'],
    ['今天把院坝扫干净了'], // already right
    ['垃圾分类'],
    ['村主任来了'],
  ])('leaves %s as it is', (text) => {
    const result = correct(text);
    expect(result.text).toBe(text);
    expect(result.changed.every((c) => !c)).toBe(true);
  });

  it('needs a shared character: a span that only sounds alike is not replaced', () => {
    // 源罢 (yuan ba) shares no character with 院坝.
    expect(correct('源罢').text).toBe('源罢');
  });

  it('changes nothing without known words', () => {
    const none = new SoundAlikes([]);
    expect(none.correct('院爸扫干净了', segment('院爸扫干净了')).text).toBe('院爸扫干净了');
  });
});
