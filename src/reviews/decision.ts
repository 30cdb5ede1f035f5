import { normalizeText } from '../text.ts';

export interface Decision {
  verdict: 'approve' | 'reject';
  /** The claim's short reference; absent for a bare "1"/"2"/"同意". */
  reference?: number;
  reason?: string;
}

const APPROVE = /^(?:同意|批准|通过|approve|ok)/i;
const REJECT = /^(?:驳回|不同意|拒绝|reject)/i;

/**
 * A cadre's reply: "同意 1234", "驳回 1234 原因", "同意", or "1" (approve) / "2" (reject) on a
 * feature phone. Returns undefined for anything else, so a cadre's other messages are not decisions.
 */
export function parseDecision(input: string): Decision | undefined {
  const text = normalizeText(input);
  if (text === '1') return { verdict: 'approve' };
  if (text === '2') return { verdict: 'reject' };
  // 不同意 must be tested before 同意.
  const verdict = REJECT.test(text) ? 'reject' : APPROVE.test(text) ? 'approve' : undefined;
  if (!verdict) return undefined;
  const rest = text.replace(verdict === 'reject' ? REJECT : APPROVE, '').trim();
  const match = /^[:：,，\s]*(\d{3,6})?[\s:：,，。]*(.*)$/s.exec(rest)!;
  const reference = match[1] ? Number(match[1]) : undefined;
  const reason = match[2]?.trim() || undefined;
  if (verdict === 'approve' && reason && reference === undefined) return undefined;
  return { verdict, reference, reason };
}
