import { createHash, timingSafeEqual } from 'node:crypto';
import { decrypt, getSignature } from '@wecom/crypto';
import { field, parseWechatXml, PayloadError, type WechatFields } from './xml.ts';

/** The request is refused (bad signature, or a deployment that cannot read it): answered 403. */
export class RefusedError extends Error {}

export type Query = Record<string, unknown>;

/** A query parameter's value; repeated or absent parameters count as absent. */
export const param = (query: Query, name: string): string | undefined => {
  const value = query[name];
  return typeof value === 'string' ? value : undefined;
};

function same(expected: string, given: string | undefined): boolean {
  if (given === undefined || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(expected), Buffer.from(given));
}

/** `signature`: sha1 of token, timestamp and nonce, sorted and joined (URL verification and plaintext messages). */
export function urlSignatureIsValid(token: string, query: Query): boolean {
  const [timestamp, nonce] = [param(query, 'timestamp'), param(query, 'nonce')];
  if (timestamp === undefined || nonce === undefined) return false;
  const expected = createHash('sha1').update([token, timestamp, nonce].sort().join('')).digest('hex');
  return same(expected, param(query, 'signature'));
}

export interface EnvelopeKeys {
  token: string;
  encodingAesKey?: string;
  appId?: string;
}

/**
 * Safe mode (安全模式): the body is <xml><ToUserName/><Encrypt/></xml>, `msg_signature` signs
 * token, timestamp, nonce and Encrypt; the plaintext ends with the AppID it was meant for.
 */
export function openEnvelope(keys: EnvelopeKeys, query: Query, envelope: WechatFields): WechatFields {
  const encrypted = field(envelope, 'Encrypt')?.trim();
  if (!encrypted) throw new PayloadError('Encrypt is missing from a safe-mode message');
  const [timestamp, nonce] = [param(query, 'timestamp') ?? '', param(query, 'nonce') ?? ''];
  if (!same(getSignature(keys.token, timestamp, nonce, encrypted), param(query, 'msg_signature'))) {
    throw new RefusedError('invalid WeChat msg_signature');
  }
  if (!keys.encodingAesKey) throw new RefusedError('a safe-mode message, but WECHAT_OFFICIAL_AES_KEY is not set');
  let opened: { message: string; id: string };
  try {
    opened = decrypt(keys.encodingAesKey, encrypted);
  } catch {
    throw new PayloadError('Encrypt cannot be decrypted');
  }
  if (keys.appId && opened.id !== keys.appId) {
    throw new RefusedError('the decrypted message is not for WECHAT_OFFICIAL_APP_ID (or WECHAT_OFFICIAL_AES_KEY is wrong)');
  }
  return parseWechatXml(opened.message);
}

/** EncodingAESKey is 43 base64 characters: the AES-256 key without its '=' padding. */
export function aesKeyIsValid(encodingAesKey: string): boolean {
  return /^[A-Za-z0-9+/]{43}$/.test(encodingAesKey) && Buffer.from(`${encodingAesKey}=`, 'base64').length === 32;
}
