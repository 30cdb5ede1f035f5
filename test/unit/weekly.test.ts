import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { smsSize } from '../../src/messages/segments.ts';
import { isEssential } from '../../src/messages/essential.ts';
import { templates } from '../../src/templates.ts';
import { checkVillageTimes, isoWeekOf, mondayOf, quietHoursDelayMs, weeklyCron, WeeklySettingError } from '../../src/weekly/calendar.ts';
import { cadreSummaryText } from '../../src/weekly/cadre-summary.ts';
import { weeklyJobs } from '../../src/weekly/run.ts';
import type { Village } from '../../src/db/schema/index.ts';

const SHANGHAI = 'Asia/Shanghai';
const QUIET = { from: '21:30', to: '07:30' };
const MINUTE = 60_000;

describe('weekly schedule', () => {
  it.each([
    [undefined, '0 19 * * 0'],
    [{ day: 'sunday', time: '19:00' }, '0 19 * * 0'],
    [{ day: 'Friday', time: '8:05' }, '5 8 * * 5'],
    [{ day: 'saturday', time: '23:59' }, '59 23 * * 6'],
  ])('%j → cron %s', (weeklyNotification, cron) => {
    expect(weeklyCron({ weeklyNotification })).toBe(cron);
  });

  it.each([
    [{ day: 'someday', time: '19:00' }, /weekly_notification.day/],
    [{ day: 'sunday', time: '7pm' }, /HH:MM/],
    [{ day: 'sunday', time: '24:00' }, /HH:MM/],
  ])('refuses %j with a clear error', (weeklyNotification, message) => {
    expect(() => weeklyCron({ weeklyNotification })).toThrow(WeeklySettingError);
    expect(() => weeklyCron({ weeklyNotification })).toThrow(message);
  });

  it('checks quiet hours of a village file', () => {
    expect(() => checkVillageTimes({ quietHours: { from: '21:30', to: 'dawn' } })).toThrow(/quiet_hours.to/);
    expect(() => checkVillageTimes({ quietHours: QUIET })).not.toThrow();
  });
});

describe('a village\'s run as jobs', () => {
  it('one job per chunk of households and one for the cadres, each naming the village and week', () => {
    expect(weeklyJobs(7, '2026-W49', [{ first: 1, last: 500 }, { first: 501, last: 620 }])).toEqual([
      { name: 'weekly-chunk', data: { villageId: 7, week: '2026-W49', firstHouseholdId: 1, lastHouseholdId: 500 } },
      { name: 'weekly-chunk', data: { villageId: 7, week: '2026-W49', firstHouseholdId: 501, lastHouseholdId: 620 } },
      { name: 'weekly-cadres', data: { villageId: 7, week: '2026-W49' } },
    ]);
  });

  it('a village without households still summarises its week for the cadres', () => {
    expect(weeklyJobs(7, '2026-W49', [])).toEqual([{ name: 'weekly-cadres', data: { villageId: 7, week: '2026-W49' } }]);
  });
});

describe('ISO weeks in the village\'s timezone', () => {
  it.each([
    ['2026-11-29T10:59:00Z', '2026-W48'], // Sunday 18:59 in Shanghai
    ['2026-11-29T16:30:00Z', '2026-W49'], // already Monday 00:30 in Shanghai, still Sunday in UTC
    ['2027-01-01T04:00:00Z', '2026-W53'],
  ])('%s is %s', (at, week) => {
    expect(isoWeekOf(new Date(at), SHANGHAI)).toBe(week);
  });

  it.each([['2026-W49', '2026-11-30'], ['2026-W01', '2025-12-29'], ['2026-W53', '2026-12-28'], ['2027-W01', '2027-01-04']])('%s starts on Monday %s', (week, monday) => {
    expect(mondayOf(week)).toBe(monday);
  });

  it('refuses a malformed week', () => {
    expect(() => mondayOf('2026-49')).toThrow(/2026-W49/);
    expect(() => mondayOf('2026-W54')).toThrow(WeeklySettingError);
  });
});

describe('quiet hours, judged by an explicit clock in the village\'s timezone', () => {
  it.each([
    ['2026-11-29T11:00:00Z', 0], // 19:00 Shanghai: outside
    ['2026-11-29T13:29:00Z', 0], // 21:29: the last minute before
    ['2026-11-29T13:30:00Z', 10 * 60 * MINUTE], // 21:30: ten hours to 07:30
    ['2026-11-29T15:45:30Z', 7 * 60 * MINUTE + 44 * MINUTE + 30_000], // 23:45:30
    ['2026-11-29T23:29:00Z', MINUTE], // 07:29 the next morning
    ['2026-11-29T23:30:00Z', 0], // 07:30: over
  ])('at %s the message waits %i ms', (at, delay) => {
    expect(quietHoursDelayMs(new Date(at), SHANGHAI, QUIET)).toBe(delay);
  });

  it('quiet hours within one day, and none at all', () => {
    expect(quietHoursDelayMs(new Date('2026-11-29T05:00:00Z'), SHANGHAI, { from: '12:00', to: '14:00' })).toBe(60 * MINUTE);
    expect(quietHoursDelayMs(new Date('2026-11-29T15:00:00Z'), SHANGHAI, undefined)).toBe(0);
  });
});

describe('weekly texts', () => {
  it('the SMS form fits one segment even with large numbers and a long village name', () => {
    const text = templates.weekly.sms('大坪子沟村民委员会', 'DPZ-1234', -120, 99_999, 1_234_567, 9_999_999, 10_000);
    expect(text).toBe('【大坪子沟村民委员会积分】DPZ-1234本周-120分 兑换99999分，余额1234567分，累计9999999分，全村第10000名');
    expect(smsSize(text).segments).toBe(1);
  });

  it('the WeChat form has a line each', () => {
    const text = templates.weekly.wechat('放牛坪村', '2026-W49', 'FNP-003', '王兰英', ['庭院卫生整洁+2分'], 0, 10, 5, 17, 3);
    expect(text.split('\n')).toEqual([
      '【放牛坪村积分周报】2026-W49', 'FNP-003（王兰英家）', '本周获得：庭院卫生整洁+2分', '本周兑换：10分', '当前余额：5分', '累计获得：17分，全村第3名',
    ]);
  });

  it('the cadre summary keeps to one segment by shortening the low-stock list', () => {
    const village = { name: '放牛坪村', settings: {} } as unknown as Village;
    const lowStock = Array.from({ length: 8 }, (_, i) => ({ name: `商品名称第${i + 1}种`, stock: i }));
    const text = cadreSummaryText(village, { approved: 12, rejected: 3, waiting: 4, issued: 120, redeemed: 80, lowStock });
    expect(smsSize(text).segments).toBe(1);
    expect(text).toMatch(/^【放牛坪村周报】通过12 驳回3 待审4；发放120分 兑换80分；库存不足：商品名称第1种0.*等\d种$/);
    expect(cadreSummaryText(village, { approved: 0, rejected: 0, waiting: 0, issued: 0, redeemed: 0, lowStock: [] }))
      .toBe('【放牛坪村周报】通过0 驳回0 待审0；发放0分 兑换0分');
  });
});

describe('essential messages', () => {
  it.each([
    ['weekly_balance', false], ['weekly_cadre_summary', false], ['expiry_warning', false],
    [undefined, true], ['claim_ack', true], ['claim_posted', true],
  ])('%s essential: %s', (kind, essential) => {
    expect(isEssential(kind)).toBe(essential);
  });
});

describe('send rates from the environment', () => {
  it('defaults, overrides and refuses zero', () => {
    expect(loadConfig({}).sendPerSecond).toEqual({ sms: 50, wechat: 100, qq: 20 });
    expect(loadConfig({ SMS_MAX_PER_SECOND: '5', WECHAT_MAX_PER_SECOND: '7', WEEKLY_SEND_BATCH: '20' })).toMatchObject({ sendPerSecond: { sms: 5, wechat: 7 }, weeklySendBatch: 20 });
    expect(() => loadConfig({ SMS_MAX_PER_SECOND: '0' })).toThrow(/SMS_MAX_PER_SECOND must be at least 1/);
    expect(() => loadConfig({ WEEKLY_SEND_BATCH: 'many' })).toThrow(/WEEKLY_SEND_BATCH/);
  });
});
