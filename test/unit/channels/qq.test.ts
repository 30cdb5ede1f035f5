import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { qqBot, qqSettings } from '../../../channels/qq/index.ts';
import { qqKeys, qqSignatureIsValid, signQq } from '../../../channels/qq/signature.ts';
import { PermanentSendError, type OutboundRequest } from '../../../channels/types.ts';
import { mountRoutes, recordingHost } from '../../support/channel-app.ts';
import { FAKE_QQ_APP_ID, FAKE_QQ_SECRET, FakeQq } from '../../support/fake-qq.ts';

/** A payload exactly as the platform posts it (test/fixtures/qq/<name>.json), byte for byte. */
const fixture = (name: string) => readFileSync(path.resolve(import.meta.dirname, '../../fixtures/qq', `${name}.json`), 'utf8').trimEnd();

/** The platform's published examples (QQ bot docs, 签名校验 and 回调地址验证). */
const DOC_SIGN_SECRET = 'naOC0ocQE3shWLAfffVLB1rhYPG7';
const DOC_SIGN_PUBLIC_KEY = [215, 195, 98, 254, 120, 174, 248, 31, 242, 50, 135, 180, 147, 98, 139, 93, 176, 42, 60, 79, 227, 11, 33, 94, 77, 25, 96, 155, 93, 118, 103, 58];
const DOC_VERIFY_SECRET = 'DG5g3B4j9X2KOErG';
const DOC_VERIFY_TS = 1725442341;
const DOC_VERIFY_SIGNATURE = '87befc99c42c651b3aac0278e71ada338433ae26fcb24307bdc5ad38c1adc2d01bcfcadc0842edac85e85205028a1132afe09280305f13aa6909ffc2d652c706';

const SECRET = FAKE_QQ_SECRET;
const NOW = 1764727300;
const keys = qqKeys(SECRET);
const otherKeys = qqKeys('AnotherBotSecret');

/** Headers as the platform signs a body: Ed25519 over timestamp + body. */
const signed = (body: string, timestamp = String(NOW), signWith = keys) => ({
  'content-type': 'application/json', 'x-signature-timestamp': timestamp, 'x-signature-ed25519': signQq(signWith, timestamp + body), 'user-agent': 'QQBot-Callback',
});

async function mount(secret = SECRET, now = NOW) {
  const { host, calls, stored } = recordingHost();
  return { ...await mountRoutes(qqBot({ secret, now: () => now * 1000 }).routes!, '/channels/qq', host), calls, stored };
}

const post = (app: FastifyInstance, body: string, headers: Record<string, string>) =>
  app.inject({ method: 'POST', url: '/channels/qq', payload: body, headers });

describe('qq: the Ed25519 key from the bot secret', () => {
  it('derives the public key of the platform\'s example secret', () => {
    const spki = qqKeys(DOC_SIGN_SECRET).publicKey.export({ format: 'der', type: 'spki' });
    expect([...spki.subarray(-32)]).toEqual(DOC_SIGN_PUBLIC_KEY);
  });

  it('signs the verification example exactly as published', () => {
    expect(signQq(qqKeys(DOC_VERIFY_SECRET), `${DOC_VERIFY_TS}Arq0D5A61EgUu4OxUvOp`)).toBe(DOC_VERIFY_SIGNATURE);
  });

  const body = Buffer.from(fixture('c2c-text'));
  const good = signQq(keys, `${NOW}${body.toString()}`);
  it.each([
    { label: 'signed with the secret', timestamp: String(NOW), signature: good, valid: true },
    { label: 'signed with another secret', timestamp: String(NOW), signature: signQq(otherKeys, `${NOW}${body.toString()}`), valid: false },
    { label: 'timestamp changed after signing', timestamp: String(NOW + 1), signature: good, valid: false },
    { label: 'upper-case hex', timestamp: String(NOW), signature: good.toUpperCase(), valid: true },
    { label: 'not hex', timestamp: String(NOW), signature: `zz${good.slice(2)}`, valid: false },
    { label: 'too short', timestamp: String(NOW), signature: good.slice(0, 126), valid: false },
    { label: 'non-canonical last byte', timestamp: String(NOW), signature: `${good.slice(0, 126)}ff`, valid: false },
    { label: 'no timestamp', timestamp: undefined, signature: good, valid: false },
    { label: 'no signature', timestamp: String(NOW), signature: undefined, valid: false },
  ])('$label → $valid', ({ timestamp, signature, valid }) => {
    expect(qqSignatureIsValid(keys, timestamp, body, signature)).toBe(valid);
  });
});

describe('qq webhook: callback-address verification (op 13)', () => {
  it('answers the platform\'s example with the published signature', async () => {
    const { app } = await mount(DOC_VERIFY_SECRET, DOC_VERIFY_TS + 2);
    const response = await post(app, fixture('verify'), { 'content-type': 'application/json', 'x-bot-appid': '11111111' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ plain_token: 'Arq0D5A61EgUu4OxUvOp', signature: DOC_VERIFY_SIGNATURE });
    await app.close();
  });

  it.each([
    { label: 'event_ts outside the window', body: '{"d":{"plain_token":"Arq0D5A61EgUu4OxUvOp","event_ts":"1725442341"},"op":13}', status: 403 },
    { label: 'a plain_token that is JSON (would make us sign a forged event)', body: `{"d":{"plain_token":"{\\"op\\":0}","event_ts":"${NOW}"},"op":13}`, status: 400 },
    { label: 'no plain_token', body: `{"d":{"event_ts":"${NOW}"},"op":13}`, status: 400 },
  ])('$label → $status', async ({ body, status }) => {
    const { app } = await mount();
    expect((await post(app, body, { 'content-type': 'application/json' })).statusCode).toBe(status);
    await app.close();
  });
});

describe('qq webhook: events', () => {
  let app: FastifyInstance;
  let calls: Awaited<ReturnType<typeof mount>>['calls'];
  beforeAll(async () => { ({ app, calls } = await mount()); });
  afterAll(async () => { await app.close(); });
  beforeEach(() => { calls.length = 0; });

  it.each([
    { label: 'private message', name: 'c2c-text', sender: 'user:E4F4AEA33253A2797FB897C50B81D7ED', text: '今天把院坝扫干净了', externalId: 'ROBOT1.0_.b6nx.CVryAO0nR58RXuU6SC.m92gc19j02qKqdm8ek!', at: '2026-12-03T02:00:00.000Z', attachments: [] },
    { label: 'group @-mention: the leading space goes', name: 'group-at', sender: 'group:C9F778FE6ADF9D1D1DBE395BF744A33A:0BB3C2A6B3C3D5E6F7A8B9C0D1E2F3A4', text: '查积分', externalId: 'ROBOT1.0_eBIyWnxpmSu6uLQ7u7fU0eGloKGYg4eEa737vRyKnMCgyZjKi7JLYkQ9B0VapbiY', at: '2026-12-03T02:01:00.000Z', attachments: [] },
    { label: 'a picture', name: 'c2c-image', sender: 'user:E4F4AEA33253A2797FB897C50B81D7ED', text: '', externalId: 'ROBOT1.0_image.Qm9Gx2Yk', at: '2026-12-03T02:02:00.000Z', attachments: [{ url: 'https://multimedia.nt.qq.com.cn/download?appid=1407&fileid=EhQ', contentType: 'image' }] },
  ])('$label → stored, op 12', async ({ name, sender, text, externalId, at, attachments }) => {
    const body = fixture(name);
    const response = await post(app, body, signed(body));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ op: 12 });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ channel: 'qq', sender, text, externalId, attachments });
    expect(calls[0]!.receivedAt.toISOString()).toBe(at);
    expect(calls[0]!.raw).toEqual(JSON.parse(body));
  });

  it('a replayed event (same message id) is stored once', async () => {
    const body = fixture('c2c-text');
    const first = await post(app, body, signed(body));
    const again = await post(app, body, signed(body, String(NOW + 5)));
    expect([first.statusCode, again.statusCode]).toEqual([200, 200]);
    expect(calls).toHaveLength(2);
    expect(calls[0]!.externalId).toBe(calls[1]!.externalId);
  });

  it.each([
    { label: 'another event is acknowledged, not stored', body: fixture('friend-add'), headers: (b: string) => signed(b), status: 200, stored: 0 },
    { label: 'forged: signed with another secret', body: fixture('c2c-text'), headers: (b: string) => signed(b, String(NOW), otherKeys), status: 403, stored: 0 },
    { label: 'body changed after signing', body: fixture('c2c-text'), headers: (b: string) => signed(b.replace('院坝', '屋头')), status: 403, stored: 0 },
    { label: 'unsigned event', body: fixture('c2c-text'), headers: () => ({ 'content-type': 'application/json' }), status: 403, stored: 0 },
    { label: 'a captured request replayed 10 minutes later', body: fixture('c2c-text'), headers: (b: string) => signed(b, String(NOW - 600)), status: 403, stored: 0 },
    { label: 'a timestamp from the future', body: fixture('c2c-text'), headers: (b: string) => signed(b, String(NOW + 600)), status: 403, stored: 0 },
    { label: 'private message without its author', body: fixture('c2c-no-author'), headers: (b: string) => signed(b), status: 400, stored: 0 },
    { label: 'group message without its group', body: fixture('group-no-group'), headers: (b: string) => signed(b), status: 400, stored: 0 },
    { label: 'signed, but not JSON', body: 'not json', headers: (b: string) => signed(b), status: 400, stored: 0 },
    { label: 'an op a webhook never gets', body: '{"op":1,"d":42}', headers: (b: string) => signed(b), status: 400, stored: 0 },
  ])('$label → $status', async ({ body, headers, status, stored }) => {
    const response = await post(app, body, headers(body));
    expect(response.statusCode).toBe(status);
    expect(calls).toHaveLength(stored);
  });

  it('refuses everything without QQ_BOT_SECRET', async () => {
    const bare = await mount('');
    const body = fixture('c2c-text');
    expect((await post(bare.app, body, signed(body))).statusCode).toBe(403);
    expect(bare.calls).toHaveLength(0);
    await bare.app.close();
  });
});

describe('qq: sending passive replies', () => {
  const fake = new FakeQq();
  beforeAll(async () => { await fake.start(); });
  afterAll(async () => { await fake.stop(); });
  beforeEach(() => { fake.reset(); });

  const SENT_AT = Date.parse('2026-12-03T02:00:00.000Z');
  const bot = (nowMs = SENT_AT + 60_000) => qqBot({ appId: FAKE_QQ_APP_ID, secret: FAKE_QQ_SECRET, apiBaseUrl: fake.url, tokenUrl: fake.tokenUrl, now: () => nowMs });
  const reply = (to: string, seq = 1): OutboundRequest => ({ to, text: '已收到：庭院卫生整洁 +2分', replyTo: { id: 'ROBOT1.0_abc', at: new Date(SENT_AT).toISOString(), seq } });

  it.each([
    { label: 'to a user', to: 'user:E4F4AEA33253A2797FB897C50B81D7ED', path: '/v2/users/E4F4AEA33253A2797FB897C50B81D7ED/messages' },
    { label: 'to a group', to: 'group:C9F778FE6ADF9D1D1DBE395BF744A33A:0BB3C2A6', path: '/v2/groups/C9F778FE6ADF9D1D1DBE395BF744A33A/messages' },
  ])('$label: token, then the reply with msg_id and msg_seq', async ({ to, path: apiPath }) => {
    const result = await bot().send!(reply(to, 2));
    expect(result).toEqual({ status: 'sent', providerId: 'QQ-SENT-1' });
    expect(fake.requests.map((r) => r.path)).toEqual(['/app/getAppAccessToken', apiPath]);
    expect(fake.requests[0]!.body).toEqual({ appId: FAKE_QQ_APP_ID, clientSecret: FAKE_QQ_SECRET });
    expect(fake.requests[1]).toMatchObject({ authorization: 'QQBot TOKEN-1', body: { content: '已收到：庭院卫生整洁 +2分', msg_type: 0, msg_id: 'ROBOT1.0_abc', msg_seq: 2 } });
  });

  it('a token refused (401) is fetched again once', async () => {
    const adapter = bot();
    await adapter.send!(reply('user:U1', 1));
    fake.expireToken();
    await adapter.send!(reply('user:U1', 2));
    expect(fake.requests.map((r) => r.authorization ?? r.path)).toEqual(['/app/getAppAccessToken', 'QQBot TOKEN-1', 'QQBot TOKEN-1', '/app/getAppAccessToken', 'QQBot TOKEN-2']);
  });

  it.each([
    { label: 'no message to answer (an active message)', adapter: () => bot(), message: { to: 'user:U1', text: '周报' } },
    { label: 'a private reply after 60 minutes', adapter: () => bot(SENT_AT + 61 * 60_000), message: reply('user:U1') },
    { label: 'a group reply after 5 minutes', adapter: () => bot(SENT_AT + 5 * 60_000), message: reply('group:G1:M1') },
    { label: 'not a QQ address', adapter: () => bot(), message: reply('+8613900020003') },
  ])('$label → refused for good (the fallback takes it), nothing sent', async ({ adapter, message }) => {
    await expect(adapter().send!(message)).rejects.toBeInstanceOf(PermanentSendError);
    expect(fake.messages()).toHaveLength(0);
  });

  it('the same msg_seq twice is refused for good by the platform', async () => {
    const adapter = bot();
    await adapter.send!(reply('user:U1', 1));
    await expect(adapter.send!(reply('user:U1', 1))).rejects.toBeInstanceOf(PermanentSendError);
  });

  it('platform trouble (5xx) is passing: a plain error, retried', async () => {
    fake.replyNext('/v2/users/U1/messages', { status: 502, json: '{"code":500,"message":"busy"}' });
    const error = await bot().send!(reply('user:U1')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(PermanentSendError);
    expect(String(error)).not.toContain('TOKEN-1');
  });

  it('without AppID and secret: a dry run, nothing sent', async () => {
    const adapter = qqBot({ ...qqSettings({}), now: () => SENT_AT });
    expect(adapter.dryRun).toBe(true);
    expect(await adapter.send!(reply('user:U1'))).toEqual({ status: 'dry_run' });
    expect(fake.requests).toHaveLength(0);
  });
});
