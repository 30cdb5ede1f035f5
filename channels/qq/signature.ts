import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

/** The request is refused (a bad or stale signature, or a deployment without the bot secret): answered 403. */
export class RefusedError extends Error {}

/** PKCS#8 DER of an Ed25519 private key, up to the 32-byte seed that follows (RFC 8410). */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SEED_BYTES = 32;
const SIGNATURE_BYTES = 64;

export interface QqKeys {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/**
 * The bot's Ed25519 key pair as the platform derives it from the bot secret: the secret repeated
 * until it has at least 32 bytes, cut to 32, is the seed.
 * https://bot.q.qq.com/wiki/develop/api-v2/dev-prepare/interface-framework/sign.html
 */
export function qqKeys(botSecret: string): QqKeys {
  if (!botSecret) throw new Error('the QQ bot secret is empty');
  let seed = Buffer.from(botSecret, 'utf8');
  while (seed.length < SEED_BYTES) seed = Buffer.concat([seed, seed]);
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed.subarray(0, SEED_BYTES)]), format: 'der', type: 'pkcs8' });
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

/** Hex Ed25519 signature of `message` (callback verification: event_ts + plain_token). */
export function signQq(keys: QqKeys, message: string | Buffer): string {
  return sign(null, Buffer.from(message), keys.privateKey).toString('hex');
}

/** X-Signature-Ed25519 (hex) over X-Signature-Timestamp + the raw body, checked as the platform's reference code does. */
export function qqSignatureIsValid(keys: QqKeys, timestamp: string | undefined, body: Buffer, signatureHex: string | undefined): boolean {
  if (!timestamp || !signatureHex || !/^[0-9a-f]+$/i.test(signatureHex)) return false;
  const signature = Buffer.from(signatureHex, 'hex');
  // A canonical signature's last byte has its top three bits clear.
  if (signature.length !== SIGNATURE_BYTES || (signature[63]! & 224) !== 0) return false;
  return verify(null, Buffer.concat([Buffer.from(timestamp, 'utf8'), body]), keys.publicKey, signature);
}
