import { createHmac, timingSafeEqual } from 'node:crypto';

/** The app signs each attempt anew; a request older (or newer) than this is refused as a replay. */
export const MAX_SKEW_SECONDS = 5 * 60;

const single = (value: string | string[] | undefined) => (typeof value === 'string' ? value : undefined);

/**
 * Why a webhook's timestamp is refused, or undefined when it is fresh: `X-Timestamp` is Unix
 * seconds, within five minutes of now either way (clocks drift).
 */
export function timestampProblem(header: string | string[] | undefined, nowMs: number): string | undefined {
  const timestamp = single(header);
  if (timestamp === undefined || !/^\d{1,15}$/.test(timestamp)) return 'X-Timestamp is missing or not Unix seconds';
  if (Math.abs(Math.floor(nowMs / 1000) - Number(timestamp)) > MAX_SKEW_SECONDS) return 'X-Timestamp is more than 5 minutes away';
  return undefined;
}

/** `X-Signature`: hex HMAC-SHA256, with the signing key, of the raw body followed by the X-Timestamp text. */
export function signatureIsValid(signingKey: string, rawBody: Buffer, timestamp: string, header: string | string[] | undefined): boolean {
  const given = single(header)?.trim().toLowerCase();
  if (given === undefined || !/^[0-9a-f]{64}$/.test(given)) return false;
  const expected = createHmac('sha256', signingKey).update(rawBody).update(timestamp, 'utf8').digest();
  return timingSafeEqual(expected, Buffer.from(given, 'hex'));
}
