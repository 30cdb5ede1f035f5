import { describe, expect, it } from 'vitest';
import { REFUSED_SMS_PHRASES, refusedPhraseIn } from '../../src/messages/sms-content.ts';
import { templates } from '../../src/templates.ts';

/**
 * Every default text, rendered: a template function is called with sample values for its
 * parameters (strings, numbers, lists), a string is itself; nested groups are walked.
 */
function renderAll(node: unknown, path: string, into: Array<[string, string]>): Array<[string, string]> {
  if (typeof node === 'string') into.push([path, node]);
  else if (Array.isArray(node)) node.forEach((value, i) => renderAll(value, `${path}[${i}]`, into));
  else if (typeof node === 'function') {
    // Numbers where a template counts, texts elsewhere; a list where it joins.
    for (const sample of [['文字', 2, ['甲', '乙']], [2, 2, 2, 2, 2, 2, 2, 2], ['文字', '文字', '文字', '文字', '文字', '文字', '文字', '文字']]) {
      try {
        const args = Array.from({ length: Math.max(node.length, 1) }, (_, i) => sample[i % sample.length]);
        into.push([path, String((node as (...a: unknown[]) => unknown)(...args))]);
      } catch {
        // this sample does not fit the template's parameters; another one does
      }
    }
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) renderAll(value, path ? `${path}.${key}` : key, into);
  }
  return into;
}

describe('SMS content the mainland providers refuse', () => {
  it('lists the phrases', () => {
    expect(REFUSED_SMS_PHRASES).toEqual(['积分兑换', '积分领取', '积分清零']);
  });

  it.each([
    ['欢迎参加积分兑换活动', '积分兑换'],
    ['本月积分 领取 请到村委会', '积分领取'],
    ['年底积分清零', '积分清零'],
    ['明天上午9点在村委会开院坝会', undefined],
    ['到村积分超市由管理员登记兑换', undefined],
  ])('%s → %s', (text, phrase) => {
    expect(refusedPhraseIn(text)).toBe(phrase);
  });

  const rendered = renderAll(templates, '', []);
  it('renders every default template (the walk reaches them all)', () => {
    expect(new Set(rendered.map(([path]) => path)).size).toBeGreaterThan(100);
  });
  it.each(rendered.map(([path, text]) => ({ path, text })))('$path is clear of refused phrases', ({ text }) => {
    expect(refusedPhraseIn(text)).toBeUndefined();
  });
});
