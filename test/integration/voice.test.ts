import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { inboundMessages } from '../../src/db/schema/index.ts';
import { testBackend } from '../support/backend.ts';
import { people, PUBLIC_URL, referenceSentTo, signedForm, startJifen, type Harness } from '../support/jifen.ts';

const SECRET = 'call-centre-secret';
const caller = '+8613900020014'; // 邓玉兰, FNP-014, prefers voice

describe(`claims by phone (${testBackend})`, () => {
  let jifen: Harness;
  beforeAll(async () => { jifen = await startJifen({ config: { transcripts: { secret: SECRET } } }); });
  afterAll(async () => { await jifen?.close(); });

  /** A Twilio Voice webhook, signed over the exact URL (query string included) as Twilio signs it. */
  async function voice(url: string, form: Record<string, string>) {
    const { signature, payload } = signedForm(url, form);
    const response = await jifen.app.inject({
      method: 'POST', url: url.slice(PUBLIC_URL.length), payload,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    });
    return response.body;
  }

  it('a call reads the claim back, a key press sends it in, the answer comes by SMS', async () => {
    const call = { CallSid: 'CA0000000000000000000000000000c001', From: caller, To: '+8613900009999', AccountSid: 'ACtest' };
    const heard = await voice(`${PUBLIC_URL}/channels/twilio/voice/heard`, { ...call, SpeechResult: '今天把院坝扫干净了', Confidence: '0.9' });
    expect(heard).toContain('您申报的是：庭院卫生整洁，2分');
    const action = /<Gather[^>]*action="([^"]+)"/.exec(heard)![1]!.replaceAll('&amp;', '&');
    expect(await voice(action, { ...call, Digits: '1' })).toContain('已记录');
    await voice(action, { ...call, Digits: '1' }); // Twilio retried the webhook: still one message
    const stored = await jifen.context.db.select().from(inboundMessages).where(eq(inboundMessages.sender, caller));
    expect(stored.map((m) => [m.channel, m.text])).toEqual([['voice', '今天把院坝扫干净了']]);
    const reference = await referenceSentTo(jifen, people.liuFang);
    await jifen.waitFor(async () => (await jifen.outbox(caller)).includes(`已收到：庭院卫生整洁 +2分，编号${reference}，待村干部审核`), 'the acknowledgement by SMS');
  });

  /** Posts a transcript to the feed, signed with the shared secret. */
  const postTranscript = (body: string) => jifen.app.inject({
    method: 'POST', url: '/channels/transcripts/', payload: body,
    headers: { 'content-type': 'application/json', 'x-jifen-signature': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}` },
  });

  it('a signed transcript from a call centre is a claim like any other, once per call', async () => {
    const body = JSON.stringify({ caller: '+8613900020017', text: '我参加了院坝会', callId: 'cc-20261130-0042', timestamp: new Date().toISOString() });
    const post = () => postTranscript(body);
    expect((await post()).statusCode).toBe(202);
    expect(JSON.parse((await post()).body)).toMatchObject({ duplicate: true });
    await jifen.waitFor(async () => (await jifen.outbox('+8613900020017')).some((t) => t.startsWith('已收到：参加村民大会或院坝会')), 'the acknowledgement');
    const forged = await jifen.app.inject({ method: 'POST', url: '/channels/transcripts/', payload: body, headers: { 'content-type': 'application/json', 'x-jifen-signature': 'sha256=00' } });
    expect(forged.statusCode).toBe(403);
  });

  it('a transcript whose call id is a Twilio call\'s own id is another message: the feed\'s ids are prefixed', async () => {
    const call = { CallSid: 'CA0000000000000000000000000000c002', From: people.chenChangjiang, To: '+8613900009999', AccountSid: 'ACtest' };
    const heard = await voice(`${PUBLIC_URL}/channels/twilio/voice/heard`, { ...call, SpeechResult: '我参加了院坝会', Confidence: '0.9' });
    const action = /<Gather[^>]*action="([^"]+)"/.exec(heard)![1]!.replaceAll('&amp;', '&');
    await voice(action, { ...call, Digits: '1' });
    const [byTwilio] = await jifen.context.db.select().from(inboundMessages).where(eq(inboundMessages.sender, people.chenChangjiang));

    const body = JSON.stringify({ caller: people.chenChangjiang, text: '我参加了院坝会', callId: byTwilio!.externalId, timestamp: new Date().toISOString() });
    const response = await postTranscript(body);
    expect(response.statusCode).toBe(202);
    expect(JSON.parse(response.body)).toMatchObject({ duplicate: false });
    const stored = await jifen.context.db.select().from(inboundMessages).where(eq(inboundMessages.sender, people.chenChangjiang));
    expect(stored.map((m) => m.externalId).sort()).toEqual([byTwilio!.externalId, `transcript:${byTwilio!.externalId}`]);
  });
});
