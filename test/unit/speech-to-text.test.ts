import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { speechToText, speechToTextSettings } from '../../src/speech/speech-to-text.ts';
import { FakeSpeech, type FakeSpeechReply } from '../support/fake-speech.ts';

const RECORDING = { data: Buffer.from('#!AMR\nrecording'), contentType: 'audio/amr' };

describe('speech-to-text client', () => {
  const fake = new FakeSpeech();
  beforeAll(async () => { await fake.start(); });
  afterAll(async () => { await fake.stop(); });
  beforeEach(() => { fake.reset(); fake.heard = ''; });

  it('unset: no client (voice notes are answered "type or call")', () => {
    expect(speechToText({})).toBeUndefined();
    expect(speechToText(speechToTextSettings({ SPEECH_TO_TEXT_URL: ' ', SPEECH_TO_TEXT_TOKEN: 'x' }))).toBeUndefined();
  });

  it('reads SPEECH_TO_TEXT_URL and SPEECH_TO_TEXT_TOKEN', () => {
    expect(speechToTextSettings({ SPEECH_TO_TEXT_URL: ' http://127.0.0.1:9/asr ', SPEECH_TO_TEXT_TOKEN: 'tok' })).toEqual({ url: 'http://127.0.0.1:9/asr', token: 'tok' });
  });

  it('posts the recording with its type and the bearer token; the text comes back trimmed', async () => {
    fake.heard = ' 今天把院坝扫干净了\n';
    const hear = speechToText({ url: fake.url, token: 'speech-token' })!;
    expect(await hear(RECORDING)).toBe('今天把院坝扫干净了');
    expect(fake.requests).toEqual([{ contentType: 'audio/amr', authorization: 'Bearer speech-token', audio: '#!AMR\nrecording' }]);
  });

  it('without a token no Authorization header is sent', async () => {
    await speechToText({ url: fake.url })!(RECORDING);
    expect(fake.requests[0]!.authorization).toBeUndefined();
  });

  const failures: [label: string, reply: FakeSpeechReply, message: RegExp][] = [
    ['HTTP 500', { status: 500, json: '{}' }, /^speech service answered HTTP 500$/],
    ['HTTP 401 (bad token)', { status: 401, json: '{"error":"unauthorized"}' }, /^speech service answered HTTP 401$/],
    ['not JSON', { json: 'busy' }, /^speech service answered something other than JSON$/],
    ['JSON without text', { json: '{"result":"x"}' }, /^speech service answered without a text$/],
    ['the connection dropped', 'hang-up', /^speech service unreachable: /],
    ['no answer in time', 'silent', /^speech service unreachable: /],
  ];
  for (const [label, reply, message] of failures) it(`${label}: an error that says so`, async () => {
    fake.replyNext('/', reply);
    await expect(speechToText({ url: fake.url, timeoutMs: 300 })!(RECORDING)).rejects.toThrow(message);
  });
});
