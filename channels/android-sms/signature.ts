import { createHmac, timingSafeEqual } from 'node:crypto';

/** `X-Signature`: hex HMAC-SHA256, with the signing key, of the raw body followed by the X-Timestamp text. */
export function signatureIsValid(signingKey: string, rawBody: Buffer, timestamp: string, header: string | string[] | undefined): boolean {
  const given = (typeof header === 'string' ? header : undefined)?.trim().toLowerCase();
  if (given === undefined || !/^[0-9a-f]{64}$/.test(given)) return false;
  const expected = createHmac('sha256', signingKey).update(rawBody).update(timestamp, 'utf8').digest();
  return timingSafeEqual(expected, Buffer.from(given, 'hex'));
}
