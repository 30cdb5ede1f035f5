/**
 * Which messages an opt-out (TD/退订) stops. Non-essential are the ones jifen sends on its own
 * initiative to keep people informed; answers to a person's own message, binding codes, review
 * requests and receipts of what was done to their account are essential and always go out.
 */
const NON_ESSENTIAL_KINDS: ReadonlySet<string> = new Set([
  'weekly_balance',
  'weekly_cadre_summary',
  'expiry_warning',
  'announcement',
]);

export const isEssential = (kind: string | undefined) => !kind || !NON_ESSENTIAL_KINDS.has(kind);
