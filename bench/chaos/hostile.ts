/**
 * Hostile inputs against every inbound route, in-process (fastify inject): none signed, or signed
 * with a stale timestamp, plus Twilio-signed bodies whose fields are hostile. Counts 5xx, thrown
 * errors, and inbound rows stored from an unsigned or stale request.
 */
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import twilio from 'twilio';
import type { FastifyInstance } from 'fastify';
import type { Context } from '../../src/context.ts';

export interface HostileResult { requests: number; status5xx: number; thrown: number; storedUnsigned: number; signed: number; signed5xx: number; examples: string[] }

const ROUTES = [
  '/channels/twilio/sms', '/channels/twilio/status', '/channels/twilio/voice', '/channels/twilio/voice/heard', '/channels/twilio/voice/confirm',
  '/channels/transcripts', '/channels/aliyun/up', '/channels/aliyun/report', '/channels/android-sms/webhook',
  '/channels/wechat/official', '/api/declarations', '/api/redemptions', '/api/redemptions/1/reversal',
];

const deep = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
const json = 'application/json';
const form = 'application/x-www-form-urlencoded';
const xml = 'text/xml';

/** Bodies nobody signed: every one must be refused or answered harmlessly, and store nothing. */
const KINDS: { name: string; type: string; body: string | Buffer }[] = [
  { name: 'empty', type: json, body: '' },
  { name: 'empty form', type: form, body: '' },
  { name: 'huge json', type: json, body: JSON.stringify({ text: 'x'.repeat(120_000) }) },
  { name: 'huge form', type: form, body: `Body=${'y'.repeat(120_000)}` },
  { name: 'malformed json', type: json, body: '{"From": "+86139", "Body": ' },
  { name: 'malformed form', type: form, body: '%E0%A4%A=&&==&Body=%' },
  { name: 'malformed xml', type: xml, body: '<xml><FromUserName>abc</FromUserName><Content>' },
  { name: 'xml entities', type: xml, body: '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><xml><Content>&c;</Content></xml>' },
  { name: 'xml external entity', type: xml, body: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><Content>&e;</Content></xml>' },
  { name: 'invalid utf-8', type: json, body: Buffer.concat([Buffer.from('{"text":"'), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('"}')]) },
  { name: 'control characters', type: json, body: JSON.stringify({ text: 'a\u0000b\u0007c\u001b[2J', household: 'FNP-001\u0000', cadre: '+86\u0000139' }) },
  { name: 'lone surrogate', type: json, body: '{"text":"\\ud800","From":"\\udfff"}' },
  { name: 'emoji', type: json, body: JSON.stringify({ text: '👍🏽'.repeat(300), household: '🏠', cadre: '📱📱📱📱📱' }) },
  { name: 'sql-looking', type: form, body: `From=${encodeURIComponent("' or 1=1; drop table jifen.claims; --")}&Body=${encodeURIComponent("同意 1' union select * from jifen.members --")}` },
  { name: 'deep nesting', type: json, body: deep(10_000) },
  { name: 'wrong content type', type: 'application/octet-stream', body: Buffer.alloc(64, 7) },
  { name: 'repeated keys', type: form, body: 'Body=a&Body=b&From=x&From=y&MessageSid=s&MessageSid=t' },
];

/** WeChat's plain mode signs only the URL: a signature made for a 2001 timestamp (a stale replay). */
function staleWechatUrl(token: string): string {
  const timestamp = '978307200';
  const nonce = 'replayed';
  const signature = createHash('sha1').update([token, timestamp, nonce].sort().join('')).digest('hex');
  return `/channels/wechat/official?signature=${signature}&timestamp=${timestamp}&nonce=${nonce}`;
}

const staleWechatBody = (openid: string) => `<xml><ToUserName>gh_x</ToUserName><FromUserName>${openid}</FromUserName><CreateTime>978307200</CreateTime><MsgType>text</MsgType><Content>查积分</Content><MsgId>${Date.now()}</MsgId></xml>`;

/** Twilio-signed bodies with hostile fields: stored cleaned or refused with a 4xx, never a 500. */
function signedTwilio(authToken: string, publicUrl: string): { form: string; signature: string }[] {
  const texts = ['', '\u0000', '\ud800', '💩'.repeat(500), "'; drop table jifen.claims; --", '同意 99999999999999999999', '兑换 FNP-009 S04 1e3', 'x'.repeat(5000)];
  return texts.map((text, i) => {
    const params = { MessageSid: `SMchaos${Date.now()}${i}`.padEnd(34, '0'), AccountSid: 'ACbench', From: '+8613900020004', To: '+8613900009999', Body: text, NumMedia: '0' };
    return { form: new URLSearchParams(params).toString(), signature: twilio.getExpectedTwilioSignature(authToken, `${publicUrl}/channels/twilio/sms`, params) };
  });
}

async function inboundCount(context: Context): Promise<number> {
  return (await context.db.execute<{ n: number }>(sql`select count(*)::int as n from jifen.inbound_messages`)).rows[0]!.n;
}

export async function runHostile(context: Context, app: FastifyInstance, secrets: { wechatToken: string; twilioToken: string; wechatOpenid: string }): Promise<HostileResult> {
  const result: HostileResult = { requests: 0, status5xx: 0, thrown: 0, storedUnsigned: 0, signed: 0, signed5xx: 0, examples: [] };
  const before = await inboundCount(context);
  const send = async (url: string, type: string, body: string | Buffer, headers: Record<string, string> = {}) => {
    result.requests++;
    try {
      const response = await app.inject({ method: 'POST', url, headers: { 'content-type': type, ...headers }, payload: body });
      if (response.statusCode >= 500) {
        result.status5xx++;
        if (result.examples.length < 12) result.examples.push(`${response.statusCode} ${url} (${type})`);
      }
      return response.statusCode;
    } catch (error) {
      result.thrown++;
      if (result.examples.length < 12) result.examples.push(`threw ${url}: ${(error as Error).message}`);
      return 0;
    }
  };
  for (const url of ROUTES) for (const kind of KINDS) await send(url, kind.type, kind.body);
  for (const url of ROUTES) await send(url, json, JSON.stringify({ text: 'hi', timestamp: '2001-01-01T00:00:00Z', receivedAt: '0000-01-01' }), { 'x-timestamp': '978307200', 'x-signature': 'sha256=00', 'x-jifen-signature': 'sha256=' + '0'.repeat(64) });
  for (let i = 0; i < 5; i++) await send(staleWechatUrl(secrets.wechatToken), xml, staleWechatBody(secrets.wechatOpenid));
  result.storedUnsigned = (await inboundCount(context)) - before;

  const signed = signedTwilio(secrets.twilioToken, context.config.publicUrl);
  for (const { form: body, signature } of signed) {
    result.signed++;
    const status = await send('/channels/twilio/sms', form, body, { 'x-twilio-signature': signature });
    if (status >= 500) result.signed5xx++;
  }
  for (const path of ['/villages/fangniuping/publicity?from=2026-13-45&to=2026-02-30', '/villages/fangniuping/publicity?to=2026-99-99', '/villages/fangniuping/publicity.pdf?to=2026-99-99', "/villages/'%20or%201=1/publicity"]) {
    result.requests++;
    const response = await app.inject({ url: path });
    if (response.statusCode >= 500) { result.status5xx++; result.examples.push(`${response.statusCode} GET ${path}`); }
  }
  return result;
}
