import { describe, expect, it } from 'vitest';
import { understandCadre, type CadreCommand } from '../../../src/understanding/cadre.ts';
import { codes, FANGNIUPING, villageModel } from './village.ts';

const fangniuping = await villageModel(FANGNIUPING);

/** A command as plain data: households and items by code (undefined fields are left out by toEqual). */
function summary(command: CadreCommand) {
  const out: Record<string, unknown> = { ...command };
  if ('household' in command) out.household = command.household?.code;
  if ('items' in command) out.items = codes(command.items);
  if ('options' in command) out.options = codes(command.options);
  return out;
}
const understand = (text: string) => summary(understandCadre(fangniuping, text));

describe('understandCadre (fangniuping)', () => {
  describe('decisions on a claim', () => {
    it.each([
      ['同意 1234', { intent: 'approve', reference: 1234 }],
      ['同意1234', { intent: 'approve', reference: 1234 }],
      ['同意：1234', { intent: 'approve', reference: 1234 }],
      ['同意,1234', { intent: 'approve', reference: 1234 }],
      ['同意 1234。', { intent: 'approve', reference: 1234 }],
      ['同意 １２３４', { intent: 'approve', reference: 1234 }],
      ['\u3000同意\u3000１２３４\u3000', { intent: 'approve', reference: 1234 }],
      ['批准 1234', { intent: 'approve', reference: 1234 }],
      ['通过，1234', { intent: 'approve', reference: 1234 }],
      ['OK 1234', { intent: 'approve', reference: 1234 }],
      ['ｏｋ 1234', { intent: 'approve', reference: 1234 }],
      ['1234 同意', { intent: 'approve', reference: 1234 }],
      ['1', { intent: 'approve' }],
      ['１', { intent: 'approve' }],
      ['同意', { intent: 'approve' }],
      ['同意 好的', { intent: 'approve' }],
      ['2', { intent: 'reject' }],
      [' 2 ', { intent: 'reject' }],
      ['驳回', { intent: 'reject' }],
      ['不同意', { intent: 'reject' }], // contains 同意, still a rejection
      ['驳回 1234 照片看不清', { intent: 'reject', reference: 1234, reason: '照片看不清' }],
      ['驳回1234，照片看不清', { intent: 'reject', reference: 1234, reason: '照片看不清' }],
      ['驳回，1234，照片看不清。', { intent: 'reject', reference: 1234, reason: '照片看不清' }],
      ['驳回 1234 原因：照片看不清', { intent: 'reject', reference: 1234, reason: '照片看不清' }],
      ['驳回 1234 不属实', { intent: 'reject', reference: 1234, reason: '不属实' }],
      ['不同意 1234 没看到', { intent: 'reject', reference: 1234, reason: '没看到' }],
      ['拒绝 １２３４', { intent: 'reject', reference: 1234 }],
      ['驳回 不属实', { intent: 'reject', reason: '不属实' }],
      ['1234 驳回', { intent: 'reject', reference: 1234 }],
      ['不属实 1234', { intent: 'reject', reference: 1234 }],
    ])('%j → %j', (text, expected) => {
      expect(understand(text)).toEqual(expected);
    });

    it('a reason is only given when written', () => {
      expect(understandCadre(fangniuping, '驳回 1234')).toEqual({ intent: 'reject', reference: 1234, reason: undefined });
    });
  });

  describe('all and list', () => {
    it.each([
      ['全部同意', 'approve_all'],
      ['都同意', 'approve_all'],
      ['全部通过', 'approve_all'],
      ['待审', 'list'],
      ['还有哪些要审', 'list'],
    ])('%s → %s', (text, intent) => {
      expect(understand(text)).toEqual({ intent });
    });
  });

  describe('deductions, redemptions, declarations', () => {
    it.each([
      ['扣分 FNP-003 N01', { intent: 'deduct', household: 'FNP-003', items: ['N01'], options: [] }],
      ['FNP-012 乱倒垃圾 扣2分', { intent: 'deduct', household: 'FNP-012', items: ['N01'], options: [], points: 2 }],
      ['FNP-012 乱倒垃圾 扣两分', { intent: 'deduct', household: 'FNP-012', items: ['N01'], options: [], points: 2 }],
      ['兑换 FNP-003 S01 2', { intent: 'redeem', household: 'FNP-003', items: ['S01'], options: [], quantity: 2 }],
      ['兑换 FNP-003 S01', { intent: 'redeem', household: 'FNP-003', items: ['S01'], options: [], quantity: 1 }],
      ['FNP-003 兑换 大米', { intent: 'redeem', household: 'FNP-003', items: ['S03'], options: [], quantity: 1 }],
      ['冉小军家酱油两瓶', { intent: 'redeem', household: 'FNP-038', items: ['S07'], options: [], quantity: 2 }],
      ['王兰英换了一袋洗衣粉', { intent: 'redeem', household: 'FNP-003', items: ['S01'], options: [], quantity: 1 }],
      ['代报 FNP-003 庭院卫生', { intent: 'declare', household: 'FNP-003', text: '庭院卫生' }],
    ])('%j → %j', (text, expected) => {
      expect(understand(text)).toEqual(expected);
    });

    it.each([
      ['兑换 FNP-009 S04 0', 0],
      ['兑换 FNP-009 S04 -1', -1],
      ['兑换 FNP-009 S04 ９９９９９', 99999],
      ['兑换 FNP-009 S04 1e3', 1000],
      ['兑换 FNP-009 S04 2.5', 2.5],
      ['兑换 FNP-009 S04 12345678901234567890', 12345678901234567890],
      ['兑换 FNP-009 S04 999', 999],
    ])('the count in %j is read as written (%d), never as 1: the supermarket refuses what is no count', (text, quantity) => {
      expect(understand(text)).toEqual({ intent: 'redeem', household: 'FNP-009', items: ['S04'], options: [], quantity });
    });

    it.each([
      ['扣分 FNP-999 N01', 'deduct'],
      ['兑换 FNP-999 S01', 'redeem'],
      ['代报 FNP-999 庭院卫生', 'declare'],
    ])('an unknown household in %j is left missing, never guessed', (text, intent) => {
      const command = understandCadre(fangniuping, text);
      expect(command.intent).toBe(intent);
      expect('household' in command && command.household).toBeFalsy();
    });
  });

  describe('nothing to do', () => {
    it.each([['好的'], ['你好'], [''], ['3'], ['1234'], ['１２３４'], ['今天扫了院坝'], ['通过了吗'], ['可以吗'], ['行不行'], ['ok吗'], ['同意了没有']])('%j → other', (text) => {
      expect(understand(text)).toEqual({ intent: 'other' });
    });
  });
});
