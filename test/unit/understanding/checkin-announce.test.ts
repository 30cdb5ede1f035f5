import { describe, expect, it } from 'vitest';
import { checkinText } from '../../../src/checkin/attend.ts';
import { understandCadre, type CadreCommand } from '../../../src/understanding/cadre.ts';
import { codes, FANGNIUPING, villageModel } from './village.ts';

const fangniuping = await villageModel(FANGNIUPING);

function summary(command: CadreCommand) {
  const out: Record<string, unknown> = { ...command };
  if ('items' in command) out.items = codes(command.items);
  if ('options' in command) out.options = codes(command.options);
  return out;
}
const understand = (text: string) => summary(understandCadre(fangniuping, text));

describe('a cadre\'s check-in and announcement commands', () => {
  it.each([
    ['签到 P03', { intent: 'open_checkin', items: ['P03'], options: [] }],
    ['签到P03', { intent: 'open_checkin', items: ['P03'], options: [] }],
    ['开启签到 p9 2小时', { intent: 'open_checkin', items: ['P09'], options: [], minutes: 120 }],
    ['签到 院坝会 90分钟', { intent: 'open_checkin', items: ['P03'], options: [], minutes: 90 }],
    ['签到 P04 半小时', { intent: 'open_checkin', items: ['P04'], options: [], minutes: 30 }],
    ['签到 P09 两个小时', { intent: 'open_checkin', items: ['P09'], options: [], minutes: 120 }],
    ['签到', { intent: 'open_checkin', items: [], options: [] }],
    ['结束签到 1234', { intent: 'close_checkin', code: '1234' }],
    ['签到结束 1234', { intent: 'close_checkin', code: '1234' }],
    ['关闭签到', { intent: 'close_checkin' }],
    ['通知 明天上午9点在村委会开院坝会', { intent: 'announce', text: '明天上午9点在村委会开院坝会' }],
    ['通知：周六接种疫苗，请带好医保卡。', { intent: 'announce', text: '周六接种疫苗，请带好医保卡。' }],
    ['村务通知 新增积分项目P26', { intent: 'announce', text: '新增积分项目P26' }],
    ['确认 4821', { intent: 'confirm_announcement', code: '4821' }],
    ['确认4821', { intent: 'confirm_announcement', code: '4821' }],
    // not these commands
    ['签到 1234', { intent: 'other' }],
    ['同意 1234', { intent: 'approve', reference: 1234 }],
  ])('%s', (text, expected) => {
    expect(understand(text)).toEqual(expected);
  });
});

describe('a villager\'s check-in text', () => {
  it.each([
    ['1234', { code: '1234', rest: '' }],
    [' 1234 ', { code: '1234', rest: '' }],
    ['签到 1234', { code: '1234', rest: '' }],
    ['签到码1234', { code: '1234', rest: '' }],
    ['1234 FNP-005', { code: '1234', rest: 'FNP-005' }],
    ['1234，帮何世友家签', { code: '1234', rest: '帮何世友家签' }],
    ['12345', undefined],
    ['5', undefined],
    ['今天把院坝扫干净了', undefined],
  ])('%s', (text, expected) => {
    expect(checkinText(text)).toEqual(expected);
  });
});
