import { createHash, createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { encrypt, getSignature } from '@wecom/crypto';
import type { InjectOptions } from 'fastify';
import { qqKeys, signQq } from '../../channels/qq/signature.ts';
import { FAKE_QQ_SECRET } from './fake-qq.ts';
import { PUBLIC_URL, signedForm } from './jifen.ts';

/**
 * Every inbound webhook as its provider sends it, from the exact payloads in test/fixtures, signed
 * now with the secrets below (the provider's clock moved to now where it signs a time).
 */
export const WEBHOOK_SECRETS = {
  wechatToken: 'outage-wechat-token',
  wechatAesKey: 'ZmFuZ25pdXBpbmctdmlsbGFnZS1wb2ludHMtMjAyNiE',
  wechatAppId: 'wx5823bf96d3bd56c7',
  aliyunPushToken: 'outage-aliyun-push-token',
  androidSigningKey: 'outage-android-signing-key',
  transcriptSecret: 'outage-transcript-secret',
  apiToken: 'outage-api-token',
} as const;

const fixturesDir = path.resolve(import.meta.dirname, '../fixtures');
export const fixtureText = (name: string) => readFileSync(path.join(fixturesDir, name), 'utf8');
export const fixtureJson = <T = Record<string, unknown>>(name: string) => JSON.parse(fixtureText(name)) as T;
const unixNow = () => String(Math.floor(Date.now() / 1000));
const sha1 = (...parts: string[]) => createHash('sha1').update(parts.sort().join('')).digest('hex');

/** A Twilio webhook form, signed over the exact URL (query included) as Twilio signs it. */
export function twilioRequest(url: string, form: Record<string, string>): InjectOptions {
  const { signature, payload } = signedForm(url, form);
  return { method: 'POST', url: url.slice(PUBLIC_URL.length), payload, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature } };
}

/** A WeChat official-account message in plaintext mode: the URL signed over timestamp and nonce only. */
export function wechatPlainRequest(xml: string, nonce = randomBytes(6).toString('hex'), timestamp = unixNow()): InjectOptions {
  const { wechatToken } = WEBHOOK_SECRETS;
  return {
    method: 'POST', url: `/channels/wechat/official?signature=${sha1(wechatToken, timestamp, nonce)}&timestamp=${timestamp}&nonce=${nonce}`,
    payload: xml, headers: { 'content-type': 'text/xml' },
  };
}

/** A WeChat official-account message in safe mode: encrypted with the account's key, msg_signature over the ciphertext. */
export function wechatSafeRequest(xml: string): InjectOptions {
  const { wechatToken, wechatAesKey, wechatAppId } = WEBHOOK_SECRETS;
  const [timestamp, nonce] = [unixNow(), randomBytes(6).toString('hex')];
  const encrypted = encrypt(wechatAesKey, xml, wechatAppId);
  const query = new URLSearchParams({
    signature: sha1(wechatToken, timestamp, nonce), timestamp, nonce, encrypt_type: 'aes', msg_signature: getSignature(wechatToken, timestamp, nonce, encrypted),
  });
  return {
    method: 'POST', url: `/channels/wechat/official?${query}`, headers: { 'content-type': 'text/xml' },
    payload: `<xml><ToUserName><![CDATA[gh_7f083739789a]]></ToUserName><Encrypt><![CDATA[${encrypted}]]></Encrypt></xml>`,
  };
}

/** A QQ bot platform event, signed Ed25519 over timestamp + body with the fake bot's secret. */
export function qqRequest(body: string): InjectOptions {
  const timestamp = unixNow();
  return {
    method: 'POST', url: '/channels/qq', payload: body,
    headers: { 'content-type': 'application/json', 'x-signature-timestamp': timestamp, 'x-signature-ed25519': signQq(qqKeys(FAKE_QQ_SECRET), timestamp + body) },
  };
}

/** An Aliyun HTTP batch push: unsigned, the push token in the URL is the proof. */
export const aliyunRequest = (body: string): InjectOptions => ({
  method: 'POST', url: `/channels/aliyun/up?token=${WEBHOOK_SECRETS.aliyunPushToken}`, payload: body, headers: { 'content-type': 'application/json' },
});

/** An Android SMS gateway webhook: HMAC-SHA256 over the body then X-Timestamp. */
export function androidRequest(body: string): InjectOptions {
  const timestamp = unixNow();
  const signature = createHmac('sha256', WEBHOOK_SECRETS.androidSigningKey).update(body).update(timestamp).digest('hex');
  return { method: 'POST', url: '/channels/android-sms/webhook', payload: body, headers: { 'content-type': 'application/json', 'x-timestamp': timestamp, 'x-signature': signature } };
}

/** A call centre's transcript, signed with the shared secret. */
export function transcriptRequest(body: string): InjectOptions {
  const signature = `sha256=${createHmac('sha256', WEBHOOK_SECRETS.transcriptSecret).update(body).digest('hex')}`;
  return { method: 'POST', url: '/channels/transcripts/', payload: body, headers: { 'content-type': 'application/json', 'x-jifen-signature': signature } };
}

/** 口头申报 over the API. */
export const declarationRequest = (declaration: { household: string; text: string; cadre: string }): InjectOptions => ({
  method: 'POST', url: '/api/declarations', payload: declaration, headers: { authorization: `Bearer ${WEBHOOK_SECRETS.apiToken}` },
});
