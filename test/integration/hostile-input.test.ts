import { createHash, createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { inboundMessages, unmatchedDeliveryReports } from '../../src/db/schema/index.ts';
import { claimNonce, releaseNonce } from '../../src/messages/replay-nonces.ts';
import { testBackend } from '../support/backend.ts';
import { people, PUBLIC_URL, signedForm, startJifen, type Harness } from '../support/jifen.ts';

const API_TOKEN = 'hostile-api-token';
const PUSH_TOKEN = 'hostile-push-token';
const TRANSCRIPT_SECRET = 'hostile-transcript-secret';
const WECHAT_TOKEN = 'hostileWechatToken';

describe(`hostile input against the real database: 4xx or stored clean, never 500 (${testBackend})`, () => {
  let jifen: Harness;
  beforeAll(async () => {
    jifen = await startJifen({ config: {
      apiToken: API_TOKEN, aliyunSms: { templates: {}, pushToken: PUSH_TOKEN }, transcripts: { secret: TRANSCRIPT_SECRET }, wechatOfficial: { token: WECHAT_TOKEN },
    } });
  });
  afterAll(async () => { await jifen?.close(); });

  const stored = async (externalId: string) => (await jifen.context.db.select().from(inboundMessages).where(eq(inboundMessages.externalId, externalId)))[0];

  it.each([
    ['/villages/fangniuping/publicity?to=2026-99-99', 400],
    ['/villages/fangniuping/publicity.pdf?to=2026-99-99', 400],
    ['/villages/fangniuping/publicity?from=2026-13-45&to=2026-02-30', 400],
    ['/villages/fangniuping/publicity.pdf?from=2026-13-45&to=2026-02-30', 400],
    ['/villages/fangniuping/publicity?from=2026-03-02&to=2026-03-01', 400],
    ['/villages/fangniuping/publicity?from=2028-02-29&to=2028-02-29', 200],
  ])('GET %s → %d', async (url, status) => {
    const response = await jifen.app.inject({ url });
    expect(response.statusCode).toBe(status);
    if (status === 400) expect(response.json().error).toMatch(/must be a day on the calendar|is after to/);
  });

  it('Aliyun: a lone surrogate, NUL and a year-0000 send time are stored cleaned; the good item after a bad one is stored', async () => {
    const body = `[{"phone_number":"13900020003","content":"扫了\\ud800院\\u0000坝","send_time":"0000-01-01 00:00:00","sequence_id":"h1","x\\udfff":"\\ud800"},
      {"sequence_id":null},{"phone_number":"13900020003","content":"查积分","send_time":"+275760-09-13 00:00:00","sequence_id":"h2"}]`;
    const response = await jifen.app.inject({ method: 'POST', url: '/channels/aliyun/up', payload: body, headers: { 'x-jifen-push-token': PUSH_TOKEN } });
    expect(response.statusCode).toBe(200);
    const first = (await stored('aliyun:h1'))!;
    expect(first.text).toBe('扫了\uFFFD院坝');
    expect(first.receivedAt.getUTCFullYear()).toBe(new Date().getUTCFullYear());
    expect(first.raw).toMatchObject({ 'x\uFFFD': '\uFFFD' });
    expect(await stored('aliyun:h2')).toBeDefined();
  });

  it('a transcript with a lone surrogate is stored cleaned; one nested 10,000 levels deep is a 400', async () => {
    const post = (body: string) => jifen.app.inject({
      method: 'POST', url: '/channels/transcripts/', payload: body,
      headers: { 'content-type': 'application/json', 'x-jifen-signature': `sha256=${createHmac('sha256', TRANSCRIPT_SECRET).update(body).digest('hex')}` },
    });
    const timestamp = new Date().toISOString();
    expect((await post(`{"caller":"${people.chenChangjiang}","text":"扫了\\ud800","callId":"h3","timestamp":"${timestamp}","extra":{"k":"\\udc00"}}`)).statusCode).toBe(202);
    expect((await stored('transcript:h3'))!.text).toBe('扫了\uFFFD');
    const deep = `{"caller":"${people.chenChangjiang}","text":"x","callId":"h4","timestamp":"${timestamp}","extra":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    expect((await post(deep)).statusCode).toBe(400);
  });

  it('Twilio: NUL and a lone surrogate in a delivery report and in a caller\'s words reach the database cleaned (the channel host cleans them)', async () => {
    const post = (path: string, form: Record<string, string>) => {
      const { signature, payload } = signedForm(`${PUBLIC_URL}/channels/twilio${path}`, form);
      return jifen.app.inject({ method: 'POST', url: `/channels/twilio${path}`, payload, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature } });
    };
    const report = await post('/status', { MessageSid: 'SMh5\u0000\ud800', MessageStatus: 'undelivered', ErrorCode: '30003\u0000' });
    expect(report.statusCode).toBeLessThan(300);
    const [kept] = await jifen.context.db.select().from(unmatchedDeliveryReports).where(eq(unmatchedDeliveryReports.providerId, 'SMh5\uFFFD'));
    expect(kept).toMatchObject({ status: 'failed', error: 'Twilio error 30003' });
    const heard = await post('/voice/heard', { CallSid: 'CAh6', From: people.wangLanying, SpeechResult: '扫了\u0000院坝' });
    expect(heard.statusCode).toBe(200);
    expect(heard.body).toContain('您申报的是');
  });

  it('/api/declarations: a lone surrogate or NUL in the text is stored cleaned; in a code or phone it is a 400', async () => {
    const declare = (payload: string) => jifen.app.inject({ method: 'POST', url: '/api/declarations', payload, headers: { 'content-type': 'application/json', authorization: `Bearer ${API_TOKEN}` } });
    const accepted = await declare(`{"household":"FNP-001","text":"扫了\\ud800院坝\\u0000","cadre":"${people.liuFang}"}`);
    expect(accepted.statusCode).toBe(202);
    const [message] = await jifen.context.db.select().from(inboundMessages).where(eq(inboundMessages.id, accepted.json().messageId));
    expect(message!.text).toBe('代报 FNP-001 扫了\uFFFD院坝');
    for (const body of [
      `{"household":"FNP-001\\u0000","text":"扫了院坝","cadre":"${people.liuFang}"}`,
      `{"household":"FNP\\ud800","text":"扫了院坝","cadre":"${people.liuFang}"}`,
      '{"household":"FNP-001","text":"扫了院坝","cadre":"+861390001\\u00000001"}',
    ]) expect((await declare(body)).statusCode, body).toBe(400);
    const redeem = await jifen.app.inject({ method: 'POST', url: '/api/redemptions', payload: { household: 'FNP-001', goods: 'S01', cadre: people.ranDebing, key: 'k\u0000' }, headers: { authorization: `Bearer ${API_TOKEN}` } });
    expect(redeem.statusCode).toBe(400);
  });

  it('WeChat plaintext: a URL signature used once is refused the second time, across processes (the nonce is in PostgreSQL)', async () => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = '777';
    const signature = createHash('sha1').update([WECHAT_TOKEN, timestamp, nonce].sort().join('')).digest('hex');
    const url = `/channels/wechat/official?signature=${signature}&timestamp=${timestamp}&nonce=${nonce}`;
    const xml = (content: string, id: string) => `<xml><ToUserName>gh_1</ToUserName><FromUserName>wxid_fnp_m004</FromUserName><CreateTime>${timestamp}</CreateTime><MsgType>text</MsgType><Content>${content}</Content><MsgId>${id}</MsgId></xml>`;
    expect((await jifen.app.inject({ method: 'POST', url, payload: xml('查积分', '9001') })).statusCode).toBe(200);
    expect((await jifen.app.inject({ method: 'POST', url, payload: xml('同意 1234', '9002') })).statusCode).toBe(403);
    expect(await stored('9002')).toBeUndefined();
    const old = String(Number(timestamp) - 3600);
    const oldSignature = createHash('sha1').update([WECHAT_TOKEN, old, '1'].sort().join('')).digest('hex');
    expect((await jifen.app.inject({ method: 'POST', url: `/channels/wechat/official?signature=${oldSignature}&timestamp=${old}&nonce=1`, payload: xml('同意 1234', '9003') })).statusCode).toBe(403);
  });

  it('claimNonce: of ten racing claims of one nonce exactly one wins; an expired nonce may be taken again; a released one too', async () => {
    const db = jifen.context.db;
    const soon = new Date(Date.now() + 600_000);
    const wins = await Promise.all(Array.from({ length: 10 }, () => claimNonce(db, 'test', 'race', soon)));
    expect(wins.filter(Boolean)).toHaveLength(1);
    expect(await claimNonce(db, 'test', 'old', new Date(Date.now() - 1000))).toBe(true);
    expect(await claimNonce(db, 'test', 'old', soon)).toBe(true);
    expect(await claimNonce(db, 'test', 'old', soon)).toBe(false);
    await releaseNonce(db, 'test', 'old');
    expect(await claimNonce(db, 'test', 'old', soon)).toBe(true);
  });
});
