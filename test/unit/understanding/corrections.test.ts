import { describe, expect, it } from 'vitest';
import { understandCadre, missesDetail } from '../../../src/understanding/cadre.ts';
import { understandVillager } from '../../../src/understanding/villager.ts';
import { codes, FANGNIUPING, villageModel } from './village.ts';

const fangniuping = await villageModel(FANGNIUPING);

function cadre(text: string) {
  const command = understandCadre(fangniuping, text);
  return { ...command, ...('items' in command ? { items: codes(command.items) } : {}), clarify: missesDetail(command) };
}

describe('a cadre deciding a deduction or undoing a redemption', () => {
  it.each([
    ['维持 1234', { intent: 'decide_deduction', verdict: 'uphold', reference: 1234, items: [], clarify: false }],
    ['维持1234 确实烧了', { intent: 'decide_deduction', verdict: 'uphold', reference: 1234, items: [], reason: '确实烧了', clarify: false }],
    ['撤销 1234 看错了', { intent: 'decide_deduction', verdict: 'revoke', reference: 1234, items: [], reason: '看错了', clarify: false }],
    ['撤销扣分 1234', { intent: 'decide_deduction', verdict: 'revoke', reference: 1234, items: [], clarify: false }],
    ['改 1234 N02', { intent: 'decide_deduction', verdict: 'change', reference: 1234, items: ['N02'], clarify: false }],
    ['改1234 1分', { intent: 'decide_deduction', verdict: 'change', reference: 1234, items: [], points: 1, clarify: false }],
    ['改为 1234 n2 2分', { intent: 'decide_deduction', verdict: 'change', reference: 1234, items: ['N02'], points: 2, clarify: false }],
    ['改 1234', { intent: 'decide_deduction', verdict: 'change', reference: 1234, items: [], clarify: true }],
    ['维持', { intent: 'decide_deduction', verdict: 'uphold', items: [], clarify: true }],
    ['撤销兑换 12', { intent: 'reverse_redemption', redemption: 12, clarify: false }],
    ['取消兑换12', { intent: 'reverse_redemption', redemption: 12, clarify: false }],
    ['退货 7', { intent: 'reverse_redemption', redemption: 7, clarify: false }],
    ['撤销兑换', { intent: 'reverse_redemption', clarify: true }],
  ])('%s', (text, expected) => {
    expect(cadre(text)).toEqual(expected);
  });

  it('leaves the other commands as they were', () => {
    expect(cadre('同意 1234').intent).toBe('approve');
    expect(cadre('兑换 FNP-003 S01 2').intent).toBe('redeem');
    expect(cadre('扣分 FNP-003 N01').intent).toBe('deduct');
  });
});

describe('a villager appealing a deduction', () => {
  it.each([
    ['申诉 1234 我家没有烧秸秆', { reference: 1234, reason: '我家没有烧秸秆' }],
    ['申诉1234', { reference: 1234 }],
    ['我要申诉 1234，不是我家倒的垃圾', { reference: 1234, reason: '不是我家倒的垃圾' }],
    ['申诉', {}],
  ])('%s', (text, appeal) => {
    const understanding = understandVillager(fangniuping, text);
    expect(understanding.intent).toBe('appeal');
    expect(understanding.appeal).toEqual(appeal);
  });
});
