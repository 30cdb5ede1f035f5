import { describe, expect, it } from 'vitest';
import { missesDetail, understandCadre } from '../../../src/understanding/cadre.ts';
import { codes, FANGNIUPING, villageModel } from './village.ts';

const fangniuping = await villageModel(FANGNIUPING);

function cadre(text: string) {
  const command = understandCadre(fangniuping, text);
  return { intent: command.intent, ...('reference' in command ? { reference: command.reference } : {}), ...('items' in command ? { items: codes(command.items) } : {}), clarify: missesDetail(command) };
}

describe('改 1234 P07: a cadre corrects the item of a claim under review', () => {
  it.each([
    ['改 1234 P07', { intent: 'correct_claim', reference: 1234, items: ['P07'], clarify: false }],
    ['改1234 p7', { intent: 'correct_claim', reference: 1234, items: ['P07'], clarify: false }],
    ['改为 1234 P07', { intent: 'correct_claim', reference: 1234, items: ['P07'], clarify: false }],
    ['改成 2345 门前三包', { intent: 'correct_claim', reference: 2345, items: ['P07'], clarify: false }],
    ['改 2345 庭院卫生整洁', { intent: 'correct_claim', reference: 2345, items: ['P05'], clarify: false }],
    ['改 P07', { intent: 'correct_claim', items: ['P07'], clarify: true }],
  ])('%s', (text, expected) => {
    expect(cadre(text)).toEqual(expected);
  });

  it('asks back when the name fits several items', () => {
    expect(cadre('改 1234 卫生')).toMatchObject({ intent: 'correct_claim', reference: 1234, clarify: true });
  });

  it('leaves 改 of a deduction as it was: an item of the negative list, or points', () => {
    expect(cadre('改 1234 N02')).toMatchObject({ intent: 'decide_deduction', reference: 1234, items: ['N02'], clarify: false });
    expect(cadre('改 1234 焚烧秸秆')).toMatchObject({ intent: 'decide_deduction', items: ['N02'] });
    expect(cadre('改 1234 1分')).toMatchObject({ intent: 'decide_deduction', reference: 1234, items: [] });
    expect(cadre('改 1234')).toMatchObject({ intent: 'decide_deduction', clarify: true });
  });
});
