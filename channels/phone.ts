/**
 * A mainland number as jifen stores it: +86 and the 11 digits. Providers report them bare (Aliyun
 * pushes the 11 digits) or as the network gave them: 139…, 86139…, 0086139…, +86139… are all read.
 * Another 00… number becomes +…; anything else (a landline, a short code) is kept as sent, without
 * spaces, parentheses or dashes.
 */
export function chinaPhone(raw: string): string {
  const compact = raw.replace(/[\s()-]/g, '');
  const mobile = /^(?:\+?86|0086)?(1\d{10})$/.exec(compact);
  if (mobile) return `+86${mobile[1]}`;
  if (/^00\d+$/.test(compact)) return `+${compact.slice(2)}`;
  return compact;
}
