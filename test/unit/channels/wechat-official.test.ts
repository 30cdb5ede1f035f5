import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { encrypt } from '@wecom/crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { wechatOfficial, wechatOfficialSettings, WechatOfficialClient, type WechatOfficialSettings } from '../../../channels/wechat-official/index.ts';
import { BODY_LIMIT } from '../../../channels/wechat-official/routes.ts';
import { PermanentSendError, type DeliveryStatus, type NormalizedInbound } from '../../../channels/types.ts';
import { mountRoutes, recordingHost } from '../../support/channel-app.ts';
import { FakeWechat, type FakeReply } from '../../support/fake-wechat.ts';

/** A payload exactly as WeChat posts it (test/fixtures/wechat-official/<name>.xml). */
const fixture = (name: string) => readFileSync(path.resolve(import.meta.dirname, '../../fixtures/wechat-official', `${name}.xml`), 'utf8');

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'" };

/** The top-level fields of a flat fixture, read independently of the adapter's parser. */
function fieldsOf(xml: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [, name, cdata, plain] of xml.matchAll(/<(\w+)>(?:<!\[CDATA\[([\s\S]*?)\]\]>|([^<]*))<\/\1>/g)) {
    fields[name!] = cdata ?? plain!.replace(/&\w+;/g, (entity) => ENTITIES[entity] ?? entity);
  }
  return fields;
}

const TOKEN = 'jifenFangniuping2026';
const AES_KEY = 'ZmFuZ25pdXBpbmctdmlsbGFnZS1wb2ludHMtMjAyNiE';
const OTHER_AES_KEY = 'YW5vdGhlci1hY2NvdW50LWVuY29kaW5nLWFlc2tleSE';
const APP_ID = 'wx5823bf96d3bd56c7';
const APP_SECRET = 'c8f4e2b1a9d7c6e5f4a3b2c1d0e9f8a7';
const OPENID = 'oWp7Z5Jq3vXbN2kLmR8tYcA4dEfG';
const ACCOUNT = 'gh_7f083739789a';
const TIMESTAMP = '1773295500';
const NONCE = '1320562132';
const URL_PATH = '/channels/wechat/official';
const MEDIA = 'https://api.weixin.qq.com/cgi-bin/media/get?media_id=';
/** WeChat's clock when it signed the fixtures: the replay window is measured from it. */
const now = () => Number(TIMESTAMP) * 1000;
/** A plaintext-mode account (no EncodingAESKey) and a safe-mode one. */
const PLAIN: WechatOfficialSettings = { token: TOKEN, appId: APP_ID, now };
const SETTINGS: WechatOfficialSettings = { ...PLAIN, encodingAesKey: AES_KEY };

/** Matches exactly this text (RegExp.escape needs Node 24). */
const exactly = (text: string) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

const sha1 = (...parts: string[]) => createHash('sha1').update(parts.sort().join('')).digest('hex');

let nonces = 0;
/** WeChat signs each request with a nonce of its own. */
const freshNonce = () => String(Number(NONCE) + ++nonces);

/** The query WeChat adds to a plaintext message or a verification, signed with `token`. */
const signedQuery = (token = TOKEN, timestamp = TIMESTAMP, nonce = freshNonce()): Record<string, string> =>
  ({ signature: sha1(token, timestamp, nonce), timestamp, nonce });

/** A safe-mode delivery of `xml`, encrypted with @wecom/crypto as WeChat does. */
function safeMode(xml: string, keys: { aesKey?: string; appId?: string; token?: string; timestamp?: string } = {}) {
  const encrypted = encrypt(keys.aesKey ?? AES_KEY, xml, keys.appId ?? APP_ID);
  const query = signedQuery(TOKEN, keys.timestamp);
  return {
    encrypted,
    body: `<xml>\n  <ToUserName><![CDATA[${ACCOUNT}]]></ToUserName>\n  <Encrypt><![CDATA[${encrypted}]]></Encrypt>\n</xml>\n`,
    query: <Record<string, string>>{ ...query, openid: OPENID, encrypt_type: 'aes', msg_signature: sha1(keys.token ?? TOKEN, query.timestamp!, query.nonce!, encrypted) },
  };
}

/** The routes on a bare app, with a host that stores like the real one and records template delivery reports. */
async function mount(settings: WechatOfficialSettings = SETTINGS) {
  const { host, calls, stored, deliveries } = recordingHost();
  return { ...await mountRoutes(wechatOfficial(settings).routes!, '/channels/wechat', host), host, calls, stored, deliveries };
}

const postXml = (app: FastifyInstance, query: Record<string, string | string[]>, body: string, contentType: string | null = 'text/xml') =>
  app.inject({ method: 'POST', url: URL_PATH, query, payload: body, headers: contentType === null ? {} : { 'content-type': contentType } });

describe('wechat official account: server verification (GET)', () => {
  let app: FastifyInstance;
  beforeAll(async () => { ({ app } = await mount()); });
  afterAll(async () => { await app.close(); });

  const ECHO = '7381902445013512381';
  const rows: { label: string; query: Record<string, string | string[]>; status: number; body: string | { error: string } }[] = [
    { label: 'signed with the token → echoes echostr', query: { ...signedQuery(), echostr: ECHO }, status: 200, body: ECHO },
    { label: 'signed with another token', query: { ...signedQuery('another-token'), echostr: ECHO }, status: 403, body: { error: 'invalid WeChat signature' } },
    { label: 'no signature', query: { timestamp: TIMESTAMP, nonce: NONCE, echostr: ECHO }, status: 403, body: { error: 'invalid WeChat signature' } },
    { label: 'nonce changed after signing', query: { ...signedQuery(), nonce: '1320562133', echostr: ECHO }, status: 403, body: { error: 'invalid WeChat signature' } },
    { label: 'no timestamp', query: { signature: sha1(TOKEN, '', NONCE), nonce: NONCE, echostr: ECHO }, status: 403, body: { error: 'invalid WeChat signature' } },
    { label: 'encrypt_type=aes does not skip the check', query: { timestamp: TIMESTAMP, nonce: NONCE, encrypt_type: 'aes', echostr: ECHO }, status: 403, body: { error: 'invalid WeChat signature' } },
    { label: 'signature given twice', query: { ...signedQuery(), signature: [sha1(TOKEN, TIMESTAMP, NONCE), 'x'], echostr: ECHO }, status: 403, body: { error: 'invalid WeChat signature' } },
    { label: 'signed but without echostr', query: signedQuery(), status: 400, body: { error: 'echostr is missing' } },
  ];
  for (const row of rows) it(`${row.label} → ${row.status}`, async () => {
    const response = await app.inject({ method: 'GET', url: URL_PATH, query: row.query });
    expect(response.statusCode).toBe(row.status);
    if (typeof row.body === 'string') expect(response.body).toBe(row.body);
    else expect(response.json()).toEqual(row.body);
  });
});

type Expected = Omit<NormalizedInbound, 'raw' | 'receivedAt'>;
const message = (externalId: string, text: string, attachments: Expected['attachments'] = []): Expected =>
  ({ channel: 'wechat', externalId, sender: OPENID, recipient: ACCOUNT, text, attachments });

const text = fixture('text');
/** A template message's report: recorded as the delivery status of the message with that provider id. */
type Delivery = { delivery: [providerId: string, status: DeliveryStatus, error: string | undefined] };
const templateFinish = fixture('event-template-finish');
const normalizeRows: { label: string; xml: string; expected: Expected | 'event' | Delivery | { error: string } }[] = [
  { label: 'text', xml: text, expected: message('24583672915263187', '今天把院坝扫干净了') },
  {
    label: 'image: PicUrl as an image attachment, no text', xml: fixture('image'),
    expected: message('24583673040718264', '', [{ url: 'http://mmbiz.qpic.cn/mmbiz_jpg/7Kx3bQ9vLzP2nM5rT8wYcA4dEfGhJ1kL/0', contentType: 'image' }]),
  },
  {
    label: 'image without PicUrl: its MediaId', xml: fixture('image').replace(/ *<PicUrl>.*\n/, ''),
    expected: message('24583673040718264', '', [{ url: `${MEDIA}Zx8vQ3kLm2pN7rT4yB6cD9fGh1JqW5sXeUaO0iKtVbHnMgRlCdEyFzPoS`, contentType: 'image' }]),
  },
  {
    label: 'voice with Recognition: the recognition is the text, the voice an attachment', xml: fixture('voice-recognition'),
    expected: message('24583674112650931', '帮隔壁王婆婆挑了水。', [{ url: `${MEDIA}Jq3vXbN2kLmR8tYcA4dEfGwP7Z5hUiOaSdKlZxCvBnMqWeRtYuIoPlKjHg`, contentType: 'voice' }]),
  },
  {
    label: 'voice without Recognition: no text, the voice an attachment', xml: fixture('voice'),
    expected: message('24583675209981146', '', [{ url: `${MEDIA}Pt4yB6cD9fGh1JqW5sXeUaO0iKtVbHnMgRlCdEyFzPoSZx8vQ3kLm2pN7r`, contentType: 'voice' }]),
  },
  {
    label: 'voice whose recognition failed (empty Recognition)', xml: fixture('voice-recognition').replace('帮隔壁王婆婆挑了水。', ''),
    expected: message('24583674112650931', '', [{ url: `${MEDIA}Jq3vXbN2kLmR8tYcA4dEfGwP7Z5hUiOaSdKlZxCvBnMqWeRtYuIoPlKjHg`, contentType: 'voice' }]),
  },
  {
    label: 'video: a video attachment', xml: fixture('video'),
    expected: message('24583676301192257', '', [{ url: `${MEDIA}Vb7nM2qW9eR4tY6uI1oP3aS5dF8gH0jKlZxCvBnMqWeRtYuIoPlKjHgFd`, contentType: 'video' }]),
  },
  {
    label: 'short video: a video attachment', xml: fixture('video').replace('[video]', '[shortvideo]'),
    expected: message('24583676301192257', '', [{ url: `${MEDIA}Vb7nM2qW9eR4tY6uI1oP3aS5dF8gH0jKlZxCvBnMqWeRtYuIoPlKjHgFd`, contentType: 'video' }]),
  },
  {
    label: 'location: stored with no text and a geo: attachment', xml: fixture('location'),
    expected: message('24583677398402368', '', [{ url: 'geo:29.356821,106.512034', contentType: 'location' }]),
  },
  {
    label: 'link: stored with no text (the title is not the villager\'s words) and the link', xml: fixture('link'),
    expected: message('24583678495612479', '', [{ url: 'https://mp.weixin.qq.com/s/Xk3vQ9bLzP2nM5rT8wYcA4', contentType: 'link' }]),
  },
  { label: 'an unknown message type is stored with no text', xml: text.replace('[text]', '[miniprogrampage]'), expected: message('24583672915263187', '') },
  { label: 'event subscribe is not stored', xml: fixture('event-subscribe'), expected: 'event' },
  { label: 'event unsubscribe is not stored', xml: fixture('event-subscribe').replace('[subscribe]', '[unsubscribe]'), expected: 'event' },
  { label: 'event CLICK (menu) is not stored', xml: fixture('event-click'), expected: 'event' },
  { label: 'TEMPLATESENDJOBFINISH success: delivered', xml: templateFinish, expected: { delivery: ['2002283328461234567', 'delivered', undefined] } },
  {
    label: 'TEMPLATESENDJOBFINISH failed:user block: failed, with WeChat\'s status', xml: fixture('event-template-user-block'),
    expected: { delivery: ['2002283328461234568', 'failed', 'failed:user block'] },
  },
  {
    label: 'TEMPLATESENDJOBFINISH failed: system failed: failed, with WeChat\'s status', xml: fixture('event-template-system-failed'),
    expected: { delivery: ['2002283328461234569', 'failed', 'failed: system failed'] },
  },
  { label: 'TEMPLATESENDJOBFINISH without MsgID', xml: templateFinish.replace(/ *<MsgID>.*\n/, ''), expected: { error: 'TEMPLATESENDJOBFINISH without MsgID' } },
  { label: 'TEMPLATESENDJOBFINISH without Status', xml: templateFinish.replace(/ *<Status>.*\n/, ''), expected: { error: 'TEMPLATESENDJOBFINISH without Status' } },
  { label: 'a MsgId beyond 2^53 keeps every digit', xml: text.replace('24583672915263187', '9223372036854775807'), expected: message('9223372036854775807', '今天把院坝扫干净了') },
  { label: 'no MsgId: FromUserName and CreateTime stand in', xml: text.replace(/ *<MsgId>.*\n/, ''), expected: message(`${OPENID}:1773295500`, '今天把院坝扫干净了') },
  {
    label: 'XML specials, spaces and newlines in CDATA are kept exactly', xml: text.replace('今天把院坝扫干净了', ' 扫院坝 +2分 & <好>\n第二行 '),
    expected: message('24583672915263187', ' 扫院坝 +2分 & <好>\n第二行 '),
  },
  { label: 'spaces around text outside CDATA are kept too', xml: text.replace('<![CDATA[今天把院坝扫干净了]]>', ' 扫院坝 '), expected: message('24583672915263187', ' 扫院坝 ') },
  { label: 'escaped entities outside CDATA are decoded', xml: text.replace('<![CDATA[今天把院坝扫干净了]]>', '扫院坝 &amp; 倒垃圾 &lt;2&gt;'), expected: message('24583672915263187', '扫院坝 & 倒垃圾 <2>') },
  { label: 'emoji are kept', xml: text.replace('今天把院坝扫干净了', '👍🧹🏡'), expected: message('24583672915263187', '👍🧹🏡') },
  { label: 'NUL is dropped (PostgreSQL cannot store it)', xml: text.replace('今天把院坝', '今天\u0000把院坝'), expected: message('24583672915263187', '今天把院坝扫干净了') },
  { label: 'no ToUserName: no recipient', xml: text.replace(/ *<ToUserName>.*\n/, ''), expected: { ...message('24583672915263187', '今天把院坝扫干净了'), recipient: undefined } },
  { label: 'no FromUserName', xml: text.replace(/ *<FromUserName>.*\n/, ''), expected: { error: 'FromUserName is missing' } },
  { label: 'blank FromUserName', xml: text.replace(OPENID, ' '), expected: { error: 'FromUserName is missing' } },
  { label: 'no MsgType', xml: text.replace(/ *<MsgType>.*\n/, ''), expected: { error: 'MsgType is missing' } },
  {
    label: 'neither MsgId nor CreateTime', xml: text.replace(/ *<MsgId>.*\n/, '').replace(/ *<CreateTime>.*\n/, ''),
    expected: { error: 'MsgId is missing (and no CreateTime to stand in for it)' },
  },
];

describe('wechat official account: messages, plaintext and safe mode (POST)', () => {
  for (const mode of ['plaintext', 'safe mode'] as const) describe(mode, () => {
    for (const row of normalizeRows) it(row.label, async () => {
      const { app, calls, logs, deliveries } = await mount(mode === 'safe mode' ? SETTINGS : PLAIN);
      const delivery = mode === 'safe mode' ? safeMode(row.xml) : { query: signedQuery(), body: row.xml };
      const before = Date.now();
      const response = await postXml(app, delivery.query, delivery.body);
      await app.close();

      if (typeof row.expected === 'object' && 'error' in row.expected) {
        expect(response.statusCode).toBe(400);
        expect(response.json()).toEqual({ error: row.expected.error });
        expect(calls).toEqual([]);
        expect(deliveries).toEqual([]);
        return;
      }
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/plain/);
      expect(response.body).toBe('success');
      if (typeof row.expected === 'object' && 'delivery' in row.expected) {
        expect(calls).toEqual([]);
        expect(deliveries).toEqual([row.expected.delivery]);
        return;
      }
      expect(deliveries).toEqual([]);
      if (row.expected === 'event') {
        expect(calls).toEqual([]);
        const event = fieldsOf(row.xml).Event;
        expect(logs).toContainEqual(expect.objectContaining({ msg: 'wechat event acknowledged, not stored', event, openid: OPENID }));
        return;
      }
      expect(calls).toHaveLength(1);
      const { raw, receivedAt, ...normalized } = calls[0]!;
      expect(normalized).toEqual(row.expected);
      expect(raw).toEqual(Object.fromEntries(Object.entries(fieldsOf(row.xml)).map(([key, value]) => [key, value.replaceAll('\u0000', '')])));
      expect(receivedAt.getTime()).toBeGreaterThanOrEqual(before);
      expect(receivedAt.getTime()).toBeLessThanOrEqual(Date.now());
    });
  });

  it('NUL is dropped from nested and repeated elements too (raw is stored as jsonb)', async () => {
    const { app, calls } = await mount(PLAIN);
    const xml = text.replace('</xml>', '  <Extra><Note>a\u0000b</Note></Extra>\n  <Tag>c\u0000</Tag>\n  <Tag>d</Tag>\n</xml>');
    const response = await postXml(app, signedQuery(), xml);
    await app.close();
    expect(response.statusCode).toBe(200);
    expect(calls[0]!.raw).toMatchObject({ Extra: { Note: 'ab' }, Tag: ['c', 'd'] });
  });

  it('the fixtures are the message types WeChat documents, each read by the table', () => {
    const types = ['text', 'image', 'voice-recognition', 'voice', 'video', 'location', 'link', 'event-subscribe', 'event-click',
      'event-template-finish', 'event-template-user-block', 'event-template-system-failed'];
    for (const name of types) expect(normalizeRows.some((row) => row.xml === fixture(name)), name).toBe(true);
  });
});

describe('wechat official account: signatures on messages', () => {
  const other = safeMode(text);
  const rows: { label: string; settings?: WechatOfficialSettings; delivery: () => { query: Record<string, string>; body: string }; status: number; error?: string }[] = [
    { label: 'plaintext, signed', settings: PLAIN, delivery: () => ({ query: signedQuery(), body: text }), status: 200 },
    { label: 'plaintext, signed with another token', settings: PLAIN, delivery: () => ({ query: signedQuery('another-token'), body: text }), status: 403, error: 'invalid WeChat signature' },
    { label: 'plaintext, no signature', settings: PLAIN, delivery: () => ({ query: { timestamp: TIMESTAMP, nonce: NONCE }, body: text }), status: 403, error: 'invalid WeChat signature' },
    {
      label: 'plaintext, a bad signature is refused before the body is read (even malformed)', settings: PLAIN,
      delivery: () => ({ query: signedQuery('another-token'), body: '<xml><MsgType>' }), status: 403, error: 'invalid WeChat signature',
    },
    {
      label: 'plaintext, signed 5 minutes and 1 second ago (a replay from an old request)', settings: PLAIN,
      delivery: () => ({ query: signedQuery(TOKEN, String(Number(TIMESTAMP) - 301)), body: text }), status: 403, error: 'timestamp is more than 5 minutes away',
    },
    {
      label: 'plaintext, signed in 2001', settings: PLAIN,
      delivery: () => ({ query: signedQuery(TOKEN, '978307200'), body: text }), status: 403, error: 'timestamp is more than 5 minutes away',
    },
    {
      label: 'plaintext, signed 5 minutes and 1 second ahead', settings: PLAIN,
      delivery: () => ({ query: signedQuery(TOKEN, String(Number(TIMESTAMP) + 301)), body: text }), status: 403, error: 'timestamp is more than 5 minutes away',
    },
    { label: 'plaintext, signed exactly 5 minutes ago', settings: PLAIN, delivery: () => ({ query: signedQuery(TOKEN, String(Number(TIMESTAMP) - 300)), body: text }), status: 200 },
    {
      label: 'safe mode, signed 5 minutes and 1 second ago', delivery: () => safeMode(text, { timestamp: String(Number(TIMESTAMP) - 301) }),
      status: 403, error: 'timestamp is more than 5 minutes away',
    },
    { label: 'safe mode, signed', delivery: () => safeMode(text), status: 200 },
    {
      label: 'safe mode, msg_signature with another token', delivery: () => safeMode(text, { token: 'another-token' }),
      status: 403, error: 'invalid WeChat msg_signature',
    },
    {
      label: 'safe mode, a valid signature but no msg_signature',
      delivery: () => { const { msg_signature: _, ...query } = safeMode(text).query; return { query, body: safeMode(text).body }; },
      status: 403, error: 'invalid WeChat msg_signature',
    },
    {
      label: 'safe mode, msg_signature of another ciphertext', delivery: () => ({ query: other.query, body: safeMode(text).body }),
      status: 403, error: 'invalid WeChat msg_signature',
    },
    {
      label: 'safe mode, encrypted for another app id', delivery: () => safeMode(text, { appId: 'wx0000000000000000' }),
      status: 403, error: 'the decrypted message is not for WECHAT_OFFICIAL_APP_ID (or WECHAT_OFFICIAL_AES_KEY is wrong)',
    },
    {
      label: 'safe mode, encrypted with another AES key', delivery: () => safeMode(text, { aesKey: OTHER_AES_KEY }),
      status: 403, error: 'the decrypted message is not for WECHAT_OFFICIAL_APP_ID (or WECHAT_OFFICIAL_AES_KEY is wrong)',
    },
    {
      label: 'safe mode without WECHAT_OFFICIAL_AES_KEY', settings: PLAIN, delivery: () => safeMode(text),
      status: 403, error: 'a safe-mode message, but WECHAT_OFFICIAL_AES_KEY is not set',
    },
    { label: 'safe mode, any app id accepted when none is configured', settings: { token: TOKEN, encodingAesKey: AES_KEY, now }, delivery: () => safeMode(text, { appId: 'wx0000000000000000' }), status: 200 },
    {
      label: 'safe mode, no Encrypt element', delivery: () => ({ query: safeMode(text).query, body: `<xml><ToUserName><![CDATA[${ACCOUNT}]]></ToUserName></xml>` }),
      status: 400, error: 'Encrypt is missing from a safe-mode message',
    },
    {
      label: 'safe mode, signed ciphertext that is not AES', delivery: () => {
        const { query } = safeMode(text);
        return { query: { ...query, msg_signature: sha1(TOKEN, TIMESTAMP, query.nonce!, 'abc') }, body: '<xml><Encrypt><![CDATA[abc]]></Encrypt></xml>' };
      },
      status: 400, error: 'Encrypt cannot be decrypted',
    },
    { label: 'safe mode, the decrypted message is malformed', delivery: () => safeMode('<xml><MsgType>text</MsgType>'), status: 400, error: "malformed XML: Unclosed tag 'xml'. (line 1)" },
    {
      label: 'plaintext message while WECHAT_OFFICIAL_AES_KEY is set (its body is signed by nothing)', delivery: () => ({ query: signedQuery(), body: text }),
      status: 403, error: 'plaintext message refused: WECHAT_OFFICIAL_AES_KEY is set, messages must be in safe mode',
    },
  ];
  for (const row of rows) it(`${row.label} → ${row.status}`, async () => {
    const { app, calls, logs } = await mount(row.settings);
    const { query, body } = row.delivery();
    const response = await postXml(app, query, body);
    await app.close();
    expect(response.statusCode).toBe(row.status);
    if (row.status === 200) {
      expect(response.body).toBe('success');
      expect(calls.map((call) => call.externalId)).toEqual(['24583672915263187']);
      return;
    }
    expect(response.json()).toEqual({ error: row.error });
    expect(calls).toEqual([]);
    if (row.status === 403) expect(logs).toContainEqual(expect.objectContaining({ msg: `wechat official webhook refused: ${row.error}` }));
  });
});

describe('wechat official account: malformed and oversized bodies', () => {
  let mounted: Awaited<ReturnType<typeof mount>>;
  beforeAll(async () => { mounted = await mount(PLAIN); });
  afterAll(async () => { await mounted.app.close(); });

  /** A text message of exactly `bytes` bytes. */
  const textOfSize = (bytes: number) => {
    const pad = bytes - Buffer.byteLength(text.replace('今天把院坝扫干净了', ''));
    return text.replace('今天把院坝扫干净了', 'a'.repeat(pad));
  };

  const rows: { label: string; body: string; contentType?: string | null; status: number; error?: string | RegExp }[] = [
    { label: 'empty body', body: '', status: 400, error: 'empty body: expected a WeChat XML message' },
    { label: 'not XML', body: 'MsgType=text&Content=hello', status: 400, error: /^malformed XML: / },
    { label: 'JSON', body: '{"MsgType":"text"}', contentType: 'application/json', status: 400, error: /^malformed XML: / },
    { label: 'an unclosed tag', body: text.replace('</xml>', ''), status: 400, error: "malformed XML: Unclosed tag 'xml'. (line 1)" },
    { label: 'mismatched tags', body: text.replace('</Content>', '</Contents>'), status: 400, error: /^malformed XML: Expected closing tag 'Content'/ },
    { label: 'a DOCTYPE (entity expansion)', body: `<!DOCTYPE xml [<!ENTITY a "aaaa">]>${text.replace('今天', '&a;')}`, status: 400, error: 'malformed XML: a DOCTYPE is not accepted' },
    { label: 'another root element', body: text.replaceAll('xml>', 'message>'), status: 400, error: 'not a WeChat message: expected an <xml> root with elements' },
    { label: 'an empty <xml/>', body: '<xml></xml>', status: 400, error: 'not a WeChat message: expected an <xml> root with elements' },
    { label: `a body of ${BODY_LIMIT} bytes + 1`, body: textOfSize(BODY_LIMIT + 1), status: 400, error: `XML body larger than ${BODY_LIMIT} bytes` },
    { label: `a body of exactly ${BODY_LIMIT} bytes is a message`, body: textOfSize(BODY_LIMIT), status: 200 },
    { label: 'an XML declaration is fine', body: `<?xml version="1.0" encoding="UTF-8"?>\n${text}`, status: 200 },
    { label: 'text/xml; charset=utf-8', body: text, contentType: 'text/xml; charset=utf-8', status: 200 },
    { label: 'application/xml', body: text, contentType: 'application/xml', status: 200 },
    { label: 'no content type', body: text, contentType: null, status: 200 },
  ];
  for (const row of rows) it(`${row.label} → ${row.status}`, async () => {
    const before = mounted.calls.length;
    const response = await postXml(mounted.app, signedQuery(), row.body, row.contentType);
    expect(response.statusCode).toBe(row.status);
    if (row.status === 200) {
      expect(response.body).toBe('success');
      expect(mounted.calls).toHaveLength(before + 1);
      return;
    }
    expect(response.json()).toEqual({ error: expect.stringMatching(row.error instanceof RegExp ? row.error : exactly(row.error!)) });
    expect(mounted.calls).toHaveLength(before);
  });

  it('the size rows bracket the limit exactly', () => {
    expect(Buffer.byteLength(textOfSize(BODY_LIMIT))).toBe(BODY_LIMIT);
    expect(Buffer.byteLength(textOfSize(BODY_LIMIT + 1))).toBe(BODY_LIMIT + 1);
  });
});

describe('wechat official account: replayed plaintext requests', () => {
  it('a second POST with a URL signature already used is refused, whatever its body (a cadre\'s 同意 forged on an old URL)', async () => {
    const { app, calls, logs } = await mount(PLAIN);
    const query = signedQuery();
    const first = await postXml(app, query, text);
    const forged = text.replace('今天把院坝扫干净了', '同意 1234').replace('24583672915263187', '24583672915263188');
    const replayed = await postXml(app, query, forged);
    await app.close();
    expect([first.statusCode, replayed.statusCode]).toEqual([200, 403]);
    expect(replayed.json()).toEqual({ error: 'replayed request: this timestamp and nonce were used before' });
    expect(calls.map((call) => call.text)).toEqual(['今天把院坝扫干净了']);
    expect(logs).toContainEqual(expect.objectContaining({ msg: 'wechat official webhook refused: replayed request: this timestamp and nonce were used before' }));
  });

  it('a request that failed on our side (5xx) gives its nonce back: WeChat\'s retry is stored', async () => {
    let failures = 1;
    const { host, calls } = recordingHost();
    const flaky = { ...host, acceptInbound: async (message: NormalizedInbound) => {
      if (failures-- > 0) throw new Error('database down');
      return host.acceptInbound(message);
    } };
    const { app } = await mountRoutes(wechatOfficial(PLAIN).routes!, '/channels/wechat', flaky);
    const query = signedQuery();
    const statuses = [(await postXml(app, query, text)).statusCode, (await postXml(app, query, text)).statusCode];
    await app.close();
    expect(statuses).toEqual([500, 200]);
    expect(calls.map((call) => call.externalId)).toEqual(['24583672915263187']);
  });
});

describe('wechat official account: retries and configuration', () => {
  it('WeChat\'s three retries of a message store it once, each answered success', async () => {
    const { app, calls, stored } = await mount();
    const delivery = safeMode(text);
    const responses = [];
    for (let attempt = 0; attempt < 4; attempt++) responses.push(await postXml(app, delivery.query, delivery.body));
    await app.close();
    expect(responses.map((response) => [response.statusCode, response.body])).toEqual(Array(4).fill([200, 'success']));
    expect(calls.map((call) => call.externalId)).toEqual(Array(4).fill('24583672915263187'));
    expect(stored.size).toBe(1);
  });

  it('without a token every request is refused with 403, and the log says why', async () => {
    const { app, calls, logs } = await mount({ encodingAesKey: AES_KEY, appId: APP_ID, appSecret: APP_SECRET });
    const verify = await app.inject({ method: 'GET', url: URL_PATH, query: { ...signedQuery(), echostr: '1' } });
    const posted = await postXml(app, signedQuery(), text);
    await app.close();
    for (const response of [verify, posted]) {
      expect(response.statusCode).toBe(403);
      expect(response.json()).toEqual({ error: 'WECHAT_OFFICIAL_TOKEN is not set' });
    }
    expect(calls).toEqual([]);
    expect(logs.filter((line) => line.msg === 'wechat official webhook refused: WECHAT_OFFICIAL_TOKEN is not set')).toHaveLength(2);
  });

  it('is the wechat channel of provider wechat-official, mounted at /channels/wechat', () => {
    const adapter = wechatOfficial(SETTINGS);
    expect({ provider: adapter.provider, channel: adapter.channel, prefix: adapter.prefix, media: adapter.capabilities.media })
      .toEqual({ provider: 'wechat-official', channel: 'wechat', prefix: 'wechat', media: false });
  });

  it('refuses an EncodingAESKey that is not 43 base64 characters', () => {
    for (const encodingAesKey of [AES_KEY.slice(1), `${AES_KEY}=`, `${AES_KEY.slice(1)}!`]) {
      expect(() => wechatOfficial({ ...SETTINGS, encodingAesKey })).toThrow(/WECHAT_OFFICIAL_AES_KEY must be the 43-character EncodingAESKey/);
    }
  });

  it('reads its settings from the environment', () => {
    expect(wechatOfficialSettings({
      WECHAT_OFFICIAL_TOKEN: ` ${TOKEN} `, WECHAT_OFFICIAL_AES_KEY: AES_KEY, WECHAT_OFFICIAL_APP_ID: APP_ID,
      WECHAT_OFFICIAL_APP_SECRET: APP_SECRET, WECHAT_API_BASE_URL: 'http://127.0.0.1:9',
      WECHAT_OFFICIAL_TEMPLATES: JSON.stringify({ weekly_balance: { templateId: ' TPL-1 ', fields: { thing1: '{household}' }, url: 'https://jifen.example/h' } }),
    })).toEqual({
      token: TOKEN, encodingAesKey: AES_KEY, appId: APP_ID, appSecret: APP_SECRET, apiBaseUrl: 'http://127.0.0.1:9',
      templates: { weekly_balance: { templateId: 'TPL-1', fields: { thing1: '{household}' }, url: 'https://jifen.example/h' } },
    });
    expect(wechatOfficialSettings({ WECHAT_OFFICIAL_TOKEN: '', WECHAT_OFFICIAL_APP_ID: '  ', WECHAT_OFFICIAL_TEMPLATES: ' ' })).toEqual({
      token: undefined, encodingAesKey: undefined, appId: undefined, appSecret: undefined, apiBaseUrl: undefined, templates: {},
    });
  });

  const badTemplates: [label: string, raw: string, error: RegExp][] = [
    ['not JSON', '{weekly_balance: TPL}', /WECHAT_OFFICIAL_TEMPLATES must be JSON/],
    ['a list', '[]', /must be a JSON object from message kind to template/],
    ['no templateId', JSON.stringify({ weekly_balance: { fields: { thing1: '{household}' } } }), /"weekly_balance" must be \{ "templateId"/],
    ['no fields', JSON.stringify({ weekly_balance: { templateId: 'TPL-1' } }), /"weekly_balance" must be/],
    ['empty fields', JSON.stringify({ weekly_balance: { templateId: 'TPL-1', fields: {} } }), /"weekly_balance" must be/],
    ['a field that is not text', JSON.stringify({ weekly_balance: { templateId: 'TPL-1', fields: { number2: 12 } } }), /"weekly_balance" must be/],
    ['a blank url', JSON.stringify({ weekly_balance: { templateId: 'TPL-1', fields: { thing1: 'x' }, url: ' ' } }), /"weekly_balance".url must be a URL/],
  ];
  for (const [label, raw, error] of badTemplates) it(`refuses WECHAT_OFFICIAL_TEMPLATES with ${label}`, () => {
    expect(() => wechatOfficialSettings({ WECHAT_OFFICIAL_TEMPLATES: raw })).toThrow(error);
  });
});

describe('wechat official account: sending', () => {
  const fake = new FakeWechat();
  const SEND = '/cgi-bin/message/custom/send';
  const TOKEN_PATH = '/cgi-bin/stable_token';
  const forced = () => fake.on(TOKEN_PATH).map((request) => (request.body as { force_refresh: boolean }).force_refresh);
  const OUT = { to: OPENID, text: '已入账 +2分，当前余额 2分' };
  const adapter = (settings: WechatOfficialSettings = {}) => wechatOfficial({ appId: APP_ID, appSecret: APP_SECRET, apiBaseUrl: fake.url, ...settings });
  const json = (value: unknown): FakeReply => ({ json: JSON.stringify(value) });

  beforeAll(async () => { await fake.start(); });
  afterAll(async () => { await fake.stop(); });
  beforeEach(() => fake.reset());

  for (const [label, settings] of [
    ['no AppID or AppSecret', { appId: undefined, appSecret: undefined }],
    ['an AppID without AppSecret', { appSecret: undefined }],
    ['an AppSecret without AppID', { appId: undefined }],
  ] as const) it(`${label}: a dry run that calls nothing`, async () => {
    const dry = adapter(settings);
    expect(dry.dryRun).toBe(true);
    expect(await dry.send!(OUT)).toEqual({ status: 'dry_run' });
    expect(fake.requests).toEqual([]);
  });

  it('fetches a token, then posts a customer-service text with it', async () => {
    const wechat = adapter();
    expect(wechat.dryRun).toBe(false);
    const result = await wechat.send!(OUT);
    expect(result).toEqual({ status: 'sent', providerId: expect.stringMatching(/^wechat-official-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/) });
    expect(fake.requests).toEqual([
      { method: 'POST', path: TOKEN_PATH, query: {}, body: { grant_type: 'client_credential', appid: APP_ID, secret: APP_SECRET, force_refresh: false } },
      { method: 'POST', path: SEND, query: { access_token: 'TOKEN-1' }, body: { touser: OPENID, msgtype: 'text', text: { content: OUT.text } } },
    ]);
  });

  it('caches the token: two sends, one token request, two distinct provider ids', async () => {
    const wechat = adapter({ apiBaseUrl: `${fake.url}/` });
    const first = await wechat.send!(OUT);
    const second = await wechat.send!(OUT);
    expect(fake.on(TOKEN_PATH)).toHaveLength(1);
    expect(fake.on(SEND).map((request) => request.query.access_token)).toEqual(['TOKEN-1', 'TOKEN-1']);
    expect(first).not.toEqual(second);
  });

  it('concurrent sends share one token request', async () => {
    const wechat = adapter();
    await Promise.all([wechat.send!(OUT), wechat.send!(OUT), wechat.send!(OUT)]);
    expect(fake.on(TOKEN_PATH)).toHaveLength(1);
    expect(fake.on(SEND)).toHaveLength(3);
  });

  it('an expired token (42001) is refreshed once and the message sent', async () => {
    const wechat = adapter();
    await wechat.send!(OUT);
    fake.expireTokens();
    expect(await wechat.send!(OUT)).toMatchObject({ status: 'sent' });
    expect(fake.requests.map((request) => `${request.path} ${request.query.access_token ?? ''}`.trim())).toEqual([
      TOKEN_PATH, `${SEND} TOKEN-1`, `${SEND} TOKEN-1`, TOKEN_PATH, `${SEND} TOKEN-2`,
    ]);
    expect(forced()).toEqual([false, false]);
  });

  for (const errcode of [40001, 40014]) it(`errcode ${errcode} (token invalid) while WeChat still hands out that token: a forced refresh, and the send retried`, async () => {
    const wechat = adapter();
    fake.replyNext(SEND, json({ errcode, errmsg: 'invalid credential' }));
    expect(await wechat.send!(OUT)).toMatchObject({ status: 'sent' });
    expect(forced()).toEqual([false, false, true]);
    expect(fake.on(SEND).map((request) => request.query.access_token)).toEqual(['TOKEN-1', 'TOKEN-2']);
  });

  it('refreshes only once: a second token error is a retryable failure', async () => {
    fake.replyNext(SEND, json({ errcode: 40001, errmsg: 'invalid credential' }), json({ errcode: 40001, errmsg: 'invalid credential' }));
    const error = await adapter().send!(OUT).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(PermanentSendError);
    expect((error as Error).message).toBe(`WeChat ${SEND} answered errcode 40001 (invalid credential)`);
    expect(forced()).toEqual([false, false, true]);
    expect(fake.on(SEND)).toHaveLength(2);
  });

  it('a token that cannot be had (IP not whitelisted) is a retryable failure, and nothing is sent', async () => {
    fake.replyNext(TOKEN_PATH, json({ errcode: 40164, errmsg: 'invalid ip 203.0.113.7, not in whitelist' }));
    const error = await adapter().send!(OUT).catch((caught: unknown) => caught);
    expect(error).not.toBeInstanceOf(PermanentSendError);
    expect((error as Error).message).toBe('WeChat /cgi-bin/stable_token answered errcode 40164 (invalid ip 203.0.113.7, not in whitelist)');
    expect(fake.on(SEND)).toEqual([]);
  });

  const failures: { label: string; reply: FakeReply; permanent: boolean; message: string | RegExp }[] = [
    { label: 'HTTP 500', reply: { status: 500, json: '{"errcode":-1}' }, permanent: false, message: `WeChat ${SEND} answered HTTP 500` },
    { label: 'HTTP 502 from a proxy', reply: { status: 502, json: '<html>Bad Gateway</html>' }, permanent: false, message: `WeChat ${SEND} answered HTTP 502` },
    { label: 'the connection dropped', reply: 'hang-up', permanent: false, message: new RegExp(`^WeChat ${SEND} unreachable: `) },
    { label: 'errcode -1 (system busy)', reply: json({ errcode: -1, errmsg: 'system error' }), permanent: false, message: `WeChat ${SEND} answered errcode -1 (system error)` },
    { label: 'a 200 that is not JSON', reply: { json: 'busy' }, permanent: false, message: `WeChat ${SEND} answered something other than JSON` },
    { label: 'errcode 45015 (outside the 48-hour window)', reply: json({ errcode: 45015, errmsg: 'response out of time limit' }), permanent: true, message: `WeChat ${SEND} answered errcode 45015 (response out of time limit)` },
    { label: 'errcode 45047 (too many messages)', reply: json({ errcode: 45047, errmsg: 'out of response count limit' }), permanent: true, message: /errcode 45047/ },
    { label: 'errcode 43004 (not following)', reply: json({ errcode: 43004, errmsg: 'require subscribe' }), permanent: true, message: /errcode 43004/ },
    { label: 'errcode 40003 (bad openid)', reply: json({ errcode: 40003, errmsg: 'invalid openid' }), permanent: true, message: /errcode 40003/ },
  ];
  for (const row of failures) it(`${row.label}: ${row.permanent ? 'PermanentSendError (fall back to SMS)' : 'a plain Error (the job retries)'}`, async () => {
    fake.replyNext(SEND, row.reply);
    const error = await adapter().send!(OUT).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect(error instanceof PermanentSendError).toBe(row.permanent);
    expect((error as Error).message).toMatch(row.message instanceof RegExp ? row.message : exactly(row.message));
    expect(fake.on(SEND)).toHaveLength(1);
  });

  it('a msgid in the answer is the provider id, every digit kept', async () => {
    fake.replyNext(SEND, { json: '{"errcode":0,"errmsg":"ok","msgid":9223372036854775807}' });
    expect(await adapter().send!(OUT)).toEqual({ status: 'sent', providerId: '9223372036854775807' });
  });

  it('asks for the token again a minute before expires_in, in the normal mode (WeChat hands out the same one)', async () => {
    let now = 1_773_295_500_000;
    const client = new WechatOfficialClient({ appId: APP_ID, appSecret: APP_SECRET, apiBaseUrl: fake.url, now: () => now });
    await client.sendText(OPENID, OUT.text);
    now += (7200 - 60) * 1000 - 1;
    await client.sendText(OPENID, OUT.text);
    expect(fake.on(TOKEN_PATH)).toHaveLength(1);
    now += 1;
    await client.sendText(OPENID, OUT.text);
    expect(forced()).toEqual([false, false]);
    expect(fake.on(SEND).map((request) => request.query.access_token)).toEqual(['TOKEN-1', 'TOKEN-1', 'TOKEN-1']);
  });

  it('several processes share one token: none revokes another\'s', async () => {
    const [worker1, worker2] = [adapter(), adapter()];
    await worker1.send!(OUT);
    await worker2.send!(OUT);
    await worker1.send!(OUT);
    expect(fake.on(SEND).map((request) => request.query.access_token)).toEqual(['TOKEN-1', 'TOKEN-1', 'TOKEN-1']);
    expect(forced()).toEqual([false, false]);
  });

  it('a token another process has already refreshed: the normal mode hands out the new one, no second forced refresh', async () => {
    const [worker1, worker2] = [adapter(), adapter()];
    await worker1.send!(OUT);
    fake.replyNext(SEND, json({ errcode: 40001, errmsg: 'invalid credential' }));
    await worker2.send!(OUT);
    await worker1.send!(OUT);
    expect(fake.on(SEND).map((request) => request.query.access_token)).toEqual(['TOKEN-1', 'TOKEN-1', 'TOKEN-2', 'TOKEN-1', 'TOKEN-2']);
    // worker1, worker2, worker2 after the refusal, its forced refresh, worker1 after 42001.
    expect(forced()).toEqual([false, false, false, true, false]);
  });

  it('sends a template message with the adapter\'s client (its token shared with texts)', async () => {
    const wechat = adapter();
    await wechat.send!(OUT);
    fake.replyNext('/cgi-bin/message/template/send', { json: '{"errcode":0,"errmsg":"ok","msgid":2002283328461234567}' });
    const data = { thing1: { value: '王兰英家' }, number2: { value: '12' }, time3: { value: '2026年3月9日—15日', color: '#173177' } };
    const sent = await wechat.client!.sendTemplate({ touser: OPENID, templateId: 'ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY', url: 'https://jifen.example/h/FNP-003', data });
    expect(sent).toEqual({ msgid: '2002283328461234567' });
    expect(fake.on(TOKEN_PATH)).toHaveLength(1);
    expect(fake.on('/cgi-bin/message/template/send')).toEqual([{
      method: 'POST', path: '/cgi-bin/message/template/send', query: { access_token: 'TOKEN-1' },
      body: { touser: OPENID, template_id: 'ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY', url: 'https://jifen.example/h/FNP-003', data },
    }]);
  });
});

describe('wechat official account: template messages for kinds that have one', () => {
  const fake = new FakeWechat();
  const TEMPLATE_SEND = '/cgi-bin/message/template/send';
  const WEEKLY = {
    templateId: 'ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY',
    fields: { first: '{household}本周积分', keyword1: '{week}', keyword2: '+{earned}分', keyword3: '{balance}分', remark: '累计{lifetime}分，全村第{rank}名' },
    url: 'https://jifen.example/h/{household}',
  };
  const PARAMS = { household: '王兰英家', week: '2026年第11周', earned: '6', balance: '48', lifetime: '112', rank: '3' };
  const adapter = () => wechatOfficial({ appId: APP_ID, appSecret: APP_SECRET, apiBaseUrl: fake.url, templates: { weekly_balance: WEEKLY } });

  beforeAll(async () => { await fake.start(); });
  afterAll(async () => { await fake.stop(); });
  beforeEach(() => fake.reset());

  it('a weekly_balance message goes as its template, filled from params; the msgid is the provider id', async () => {
    fake.replyNext(TEMPLATE_SEND, { json: '{"errcode":0,"errmsg":"ok","msgid":2002283328461234567}' });
    const result = await adapter().send!({ to: OPENID, text: '王兰英家本周+6分，余额48分', kind: 'weekly_balance', params: PARAMS });
    expect(result).toEqual({ status: 'sent', providerId: '2002283328461234567' });
    expect(fake.on('/cgi-bin/message/custom/send')).toEqual([]);
    expect(fake.on(TEMPLATE_SEND).map((request) => request.body)).toEqual([{
      touser: OPENID, template_id: WEEKLY.templateId, url: `https://jifen.example/h/${encodeURIComponent('王兰英家')}`,
      data: {
        first: { value: '王兰英家本周积分' }, keyword1: { value: '2026年第11周' }, keyword2: { value: '+6分' },
        keyword3: { value: '48分' }, remark: { value: '累计112分，全村第3名' },
      },
    }]);
  });

  const byCustomerService: [label: string, message: { kind?: string; params?: Record<string, string> }][] = [
    ['a kind without a template', { kind: 'claim_ack', params: PARAMS }],
    ['no kind', {}],
    ['a kind named like an Object property', { kind: 'toString' }],
  ];
  for (const [label, extra] of byCustomerService) it(`${label}: a customer-service text`, async () => {
    await adapter().send!({ to: OPENID, text: '收到', ...extra });
    expect(fake.on(TEMPLATE_SEND)).toEqual([]);
    expect(fake.on('/cgi-bin/message/custom/send').map((request) => request.body)).toEqual([{ touser: OPENID, msgtype: 'text', text: { content: '收到' } }]);
  });

  it('a value the template needs and the message lacks: PermanentSendError (the SMS fallback gets the text), nothing sent', async () => {
    const { rank: _rank, ...withoutRank } = PARAMS;
    const error = await adapter().send!({ to: OPENID, text: '本周积分', kind: 'weekly_balance', params: withoutRank }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PermanentSendError);
    expect((error as Error).message).toBe(`WeChat template ${WEEKLY.templateId} of kind "weekly_balance" needs {rank}`);
    expect(fake.requests.filter((request) => request.path !== '/cgi-bin/stable_token')).toEqual([]);
  });

  it('a template WeChat refuses for good (errcode 43101, the villager declined it) is a PermanentSendError', async () => {
    fake.replyNext(TEMPLATE_SEND, { json: JSON.stringify({ errcode: 43101, errmsg: 'user refuse to accept the msg' }) });
    const error = await adapter().send!({ to: OPENID, text: '本周积分', kind: 'weekly_balance', params: PARAMS }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PermanentSendError);
  });

  it('a template send WeChat cannot take now (HTTP 503) is retried by the job', async () => {
    fake.replyNext(TEMPLATE_SEND, { status: 503, json: '' });
    const error = await adapter().send!({ to: OPENID, text: '本周积分', kind: 'weekly_balance', params: PARAMS }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(PermanentSendError);
  });
});

describe('wechat official account: fetching a voice note\'s recording', () => {
  const fake = new FakeWechat();
  const GET = '/cgi-bin/media/get';
  const RECORDING = Buffer.from('#!AMR\nrecording');
  const adapter = () => wechatOfficial({ appId: APP_ID, appSecret: APP_SECRET, apiBaseUrl: fake.url });
  const voiceUrl = (mediaId: string) => `${fake.url}${GET}?media_id=${encodeURIComponent(mediaId)}`;

  beforeAll(async () => { await fake.start(); });
  afterAll(async () => { await fake.stop(); });
  beforeEach(() => fake.reset());

  it('the URL stored with the voice note is fetched with the token: the file and its type', async () => {
    fake.media.set('Pt4y/B6+c', { file: RECORDING, contentType: 'audio/amr' });
    expect(await adapter().fetchMedia!(voiceUrl('Pt4y/B6+c'))).toEqual({ data: RECORDING, contentType: 'audio/amr' });
    expect(fake.on(GET).map((request) => request.query)).toEqual([{ access_token: 'TOKEN-1', media_id: 'Pt4y/B6+c' }]);
  });

  it('an expired token is replaced and the file fetched', async () => {
    fake.media.set('m1', { file: RECORDING, contentType: 'audio/amr' });
    const wechat = adapter();
    await wechat.fetchMedia!(voiceUrl('m1'));
    fake.expireTokens();
    expect(await wechat.fetchMedia!(voiceUrl('m1'))).toMatchObject({ contentType: 'audio/amr' });
    expect(fake.on(GET).map((request) => request.query.access_token)).toEqual(['TOKEN-1', 'TOKEN-1', 'TOKEN-2']);
  });

  it('a media id WeChat no longer keeps (40007, after 3 days) is an error that says so', async () => {
    await expect(adapter().fetchMedia!(voiceUrl('gone'))).rejects.toThrow(`WeChat ${GET} answered errcode 40007 (invalid media_id)`);
  });

  it('another provider\'s URL, or no credentials: nothing fetched', async () => {
    expect(await adapter().fetchMedia!('wechaty-file:abc')).toBeUndefined();
    expect(await adapter().fetchMedia!(`http://127.0.0.1:9${GET}?media_id=m1`)).toBeUndefined();
    expect(await wechatOfficial({ apiBaseUrl: fake.url }).fetchMedia!(voiceUrl('m1'))).toBeUndefined();
    expect(fake.requests).toEqual([]);
  });
});
