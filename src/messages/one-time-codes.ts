import { randomInt, timingSafeEqual } from 'node:crypto';

/**
 * Six-digit codes that prove someone holds a registered phone (or the channel jifen knows them by):
 * WeChat binding and the console's sign-in share them. A code lasts ten minutes and takes five tries.
 */
export const CODE_MINUTES = 10;
export const MAX_ATTEMPTS = 5;

const MOBILE = /^(?:\+?86)?(1\d{10})$/;

export const newCode = () => String(randomInt(0, 1_000_000)).padStart(6, '0');

export const codeExpiry = (issuedAt: Date) => new Date(issuedAt.getTime() + CODE_MINUTES * 60_000);

/** A mainland mobile number as the village files write it (+86…), or undefined. */
export function mobileNumber(text: string): string | undefined {
  const digits = /^[\d+\s-]+$/.test(text) ? MOBILE.exec(text.replace(/[\s-]/g, ''))?.[1] : undefined;
  return digits && `+86${digits}`;
}

/** 139****0001: enough for the person to recognise their number, not enough to read it off a screen. */
export const maskPhone = (phone: string) => `${phone.slice(-11, -8)}****${phone.slice(-4)}`;

export type CodeCheck = 'match' | 'wrong' | 'used_up';

/** Compares a typed code with an issued one (in constant time); a code whose tries are spent never matches. */
export function checkTypedCode(issued: { code: string; attempts: number }, typed: string): CodeCheck {
  if (issued.attempts >= MAX_ATTEMPTS) return 'used_up';
  const same = typed.length === issued.code.length && timingSafeEqual(Buffer.from(typed), Buffer.from(issued.code));
  return same ? 'match' : 'wrong';
}
