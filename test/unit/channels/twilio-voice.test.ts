import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import twilio from 'twilio';
import { afterEach, describe, expect, it } from 'vitest';
import { twilioSms } from '../../../channels/twilio/index.ts';
import { speech, twilioVoice } from '../../../channels/twilio/voice.ts';
import type { ChannelHost, NormalizedInbound, Preview } from '../../../channels/types.ts';

const AUTH_TOKEN = 'test-auth-token';
const PUBLIC_URL = 'https://jifen.example.org';
const VOICE = '/channels/twilio/voice';
const HEARD_URL = `${PUBLIC_URL}${VOICE}/heard`;
const FORM = 'application/x-www-form-urlencoded';

/** A voice webhook form exactly as Twilio posts it (test/fixtures/twilio-voice/<name>.json). */
function fixture(name: string): Record<string, string> {
  return JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../fixtures/twilio-voice', `${name}.json`), 'utf8')) as Record<string, string>;
}

const without = (form: Record<string, string>, ...keys: string[]) =>
  Object.fromEntries(Object.entries(form).filter(([key]) => !keys.includes(key)));

const confirmPath = (said: string) => `${VOICE}/confirm?said=${encodeURIComponent(said)}`;

// ---------------------------------------------------------------------------------------------
// A strict little XML reader for the TwiML answers: elements, double-quoted attributes, text, the
// five named entities and numeric references. Anything else is an error, so malformed TwiML fails.

interface XmlElement { name: string; attributes: Record<string, string>; children: XmlNode[] }
type XmlNode = XmlElement | string;

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|amp|lt|gt|quot|apos);/gi, (_, entity: string) => {
    if (entity[0] === '#') return String.fromCodePoint(entity[1]?.toLowerCase() === 'x' ? parseInt(entity.slice(2), 16) : Number(entity.slice(1)));
    return ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[entity]!;
  });
}

function parseXml(xml: string): XmlElement {
  let at = 0;
  const prolog = /^<\?xml version="1\.0" encoding="UTF-8"\?>/.exec(xml);
  if (!prolog) throw new Error(`no XML declaration: ${xml.slice(0, 60)}`);
  at = prolog[0].length;
  const element = (): XmlElement => {
    const open = /^<([A-Za-z][\w-]*)((?:\s+[A-Za-z][\w-]*="[^"<]*")*)\s*(\/?)>/.exec(xml.slice(at));
    if (!open) throw new Error(`expected an element at ${at}: ${xml.slice(at, at + 60)}`);
    at += open[0].length;
    const attributes: Record<string, string> = {};
    for (const [, key, value] of open[2]!.matchAll(/([A-Za-z][\w-]*)="([^"]*)"/g)) attributes[key!] = decodeEntities(value!);
    const node: XmlElement = { name: open[1]!, attributes, children: [] };
    if (open[3]) return node;
    for (;;) {
      const close = `</${node.name}>`;
      if (xml.startsWith(close, at)) { at += close.length; return node; }
      if (xml.startsWith('<', at)) { node.children.push(element()); continue; }
      const end = xml.indexOf('<', at);
      if (end === -1) throw new Error(`unclosed <${node.name}>`);
      const text = xml.slice(at, end);
      if (/[<>]|&(?!(#x[0-9a-f]+|#[0-9]+|amp|lt|gt|quot|apos);)/i.test(text)) throw new Error(`bad text: ${text}`);
      node.children.push(decodeEntities(text));
      at = end;
    }
  };
  const root = element();
  if (at !== xml.length) throw new Error(`trailing content: ${xml.slice(at)}`);
  return root;
}

const elements = (node: XmlElement) => node.children.filter((child): child is XmlElement => typeof child !== 'string');
const textOf = (node: XmlElement): string => node.children.map((child) => (typeof child === 'string' ? child : textOf(child))).join('');

/** The TwiML as a compact outline: `Say[zh-CN] text`, `Gather{...}` with its nested verbs, `Hangup`. */
interface Verb { verb: string; attributes: Record<string, string>; text?: string; nested?: Verb[] }

function outline(xml: string): Verb[] {
  const root = parseXml(xml);
  expect(root.name).toBe('Response');
  const verb = (node: XmlElement): Verb => {
    const children = elements(node);
    if (children.length > 0) return { verb: node.name, attributes: node.attributes, nested: children.map(verb) };
    const text = textOf(node);
    return text ? { verb: node.name, attributes: node.attributes, text } : { verb: node.name, attributes: node.attributes };
  };
  return elements(root).map(verb);
}

const say = (text: string): Verb => ({ verb: 'Say', attributes: { language: 'zh-CN' }, text });
const hangup: Verb = { verb: 'Hangup', attributes: {} };
const listen = (prompt: string): Verb[] => [
  {
    verb: 'Gather',
    attributes: { input: 'speech', language: 'cmn-Hans-CN', speechTimeout: 'auto', action: HEARD_URL, method: 'POST' },
    nested: [say(prompt)],
  },
  say(speech.goodbye),
  hangup,
];
const confirmKey = (said: string, readBack: string): Verb[] => [
  {
    verb: 'Gather',
    attributes: { input: 'dtmf', numDigits: '1', action: `${PUBLIC_URL}${confirmPath(said)}`, method: 'POST' },
    nested: [say(`${readBack}。${speech.confirm}`)],
  },
  say(speech.noKey),
  hangup,
];

// ---------------------------------------------------------------------------------------------
// A recording host: preview answers from a script keyed on the words; acceptInbound is idempotent
// on externalId like the real one and reports duplicates.

interface FakeHost extends ChannelHost {
  previews: { channel: string; sender: string; text: string }[];
  /** The number called, as each preview was given it. */
  recipients: (string | undefined)[];
  accepted: NormalizedInbound[];
}

const CLAIM: Preview = { kind: 'claim', speech: '您申报的是：庭院卫生整洁，2分' };
const BALANCE: Preview = { kind: 'answer', speech: 'FNP-003 现有积分 12 分，累计 30 分' };
const UNCLEAR: Preview = { kind: 'unclear', speech: '没有听清楚您申报的项目，请再说一遍您做了什么，比如“今天打扫了院坝”' };
const UNKNOWN: Preview = { kind: 'unknown_caller', speech: '您的号码未登记，请联系村综合专干' };
/** PostgreSQL down: the host reads the words themselves back, in the village's words (here an override's). */
const UNCHECKED: Preview = { kind: 'unchecked', speech: '村里听到您说：今天把院坝扫干净了' };
/** What the host says when it spooled the message (the village's own text, here an override). */
const KEPT = '村里记下了，稍后短信回复';

/** `spooling`: PostgreSQL is down, so every message is spooled (never a duplicate: no row to find). */
function fakeHost(script: Record<string, Preview> = {}, failures: { preview?: Error; accept?: Error } = {}, spooling = false): FakeHost {
  const ids = new Map<string, number>();
  const host: FakeHost = {
    previews: [],
    recipients: [],
    accepted: [],
    async acceptInbound(message) {
      host.accepted.push(message);
      if (failures.accept) throw failures.accept;
      if (spooling) return { duplicate: false, spooled: true, acknowledgement: KEPT };
      const key = `${message.channel}|${message.externalId}`;
      const known = ids.get(key);
      if (known !== undefined) return { id: known, duplicate: true };
      ids.set(key, ids.size + 1);
      return { id: ids.size, duplicate: false };
    },
    async recordDelivery() { throw new Error('a voice webhook never records deliveries'); },
    async preview(channel, sender, text, recipient) {
      host.previews.push({ channel, sender, text });
      host.recipients.push(recipient);
      if (failures.preview) throw failures.preview;
      return script[text] ?? UNCLEAR;
    },
  };
  return host;
}

let app: FastifyInstance | undefined;
afterEach(async () => { await app?.close(); app = undefined; });

async function mount(host: ChannelHost, settings: { authToken?: string } = { authToken: AUTH_TOKEN }) {
  app = Fastify();
  await app.register(twilioVoice({ ...settings, publicUrl: PUBLIC_URL }).routes!, { prefix: '/channels/twilio', host });
  return app;
}

/** How a request is signed: as Twilio signs it, not at all, or a valid signature over something else. */
type Signing = 'valid' | 'missing' | { token?: string; url?: string; form?: Record<string, string> };

async function post(target: FastifyInstance, requestPath: string, form: Record<string, string>, signing: Signing = 'valid', contentType = FORM) {
  const headers: Record<string, string> = { 'content-type': contentType };
  if (signing !== 'missing') {
    const spec = signing === 'valid' ? {} : signing;
    headers['x-twilio-signature'] = twilio.getExpectedTwilioSignature(spec.token ?? AUTH_TOKEN, spec.url ?? `${PUBLIC_URL}${requestPath}`, spec.form ?? form);
  }
  return target.inject({ method: 'POST', url: requestPath, headers, payload: new URLSearchParams(form).toString() });
}

const SAID = '今天把院坝扫干净了。';
const shortHash = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 12);

// ---------------------------------------------------------------------------------------------

describe('twilio voice adapter', () => {
  it('is an inbound-only voice adapter mounted under /channels/twilio', () => {
    const adapter = twilioVoice({ authToken: AUTH_TOKEN, publicUrl: PUBLIC_URL });
    expect(adapter).toMatchObject({ provider: 'twilio-voice', channel: 'voice', prefix: 'twilio', dryRun: false });
    expect(adapter.send).toBeUndefined();
    expect(adapter.routes).toBeTypeOf('function');
  });
});

interface FlowRow {
  label: string;
  path: string;
  form: Record<string, string>;
  script?: Record<string, Preview>;
  /** PostgreSQL is down: the host spools what it accepts. */
  spooling?: boolean;
  twiml: Verb[];
  previewed: { sender: string; text: string }[];
  accepted: Partial<NormalizedInbound>[];
}

const flowRows: FlowRow[] = [
  {
    label: 'incoming call: Mandarin greeting inside a speech Gather, goodbye when nothing is heard',
    path: VOICE, form: fixture('incoming-call'),
    twiml: listen(speech.greeting), previewed: [], accepted: [],
  },
  {
    label: 'a claim heard: read back inside a one-key Gather whose action carries the words',
    path: `${VOICE}/heard`, form: fixture('speech-chinese'), script: { [SAID]: CLAIM },
    twiml: confirmKey(SAID, CLAIM.speech), previewed: [{ sender: '+8613900020003', text: SAID }], accepted: [],
  },
  {
    label: 'a balance question heard: the answer is said, then a polite goodbye',
    path: `${VOICE}/heard`, form: fixture('speech-balance'), script: { 我家有好多分了: BALANCE },
    twiml: [say(BALANCE.speech), say(speech.thanks), hangup], previewed: [{ sender: '+8613900020003', text: '我家有好多分了' }], accepted: [],
  },
  {
    label: 'unclear words (dialect, low confidence): said, and the caller is asked to speak again',
    path: `${VOICE}/heard`, form: fixture('speech-dialect-low-confidence'),
    twiml: listen(UNCLEAR.speech), previewed: [{ sender: '+8613900020003', text: '屋头收拾得巴适得很，还帮隔壁王婆婆挑了水' }], accepted: [],
  },
  {
    label: 'an unregistered caller: told so, then the call ends',
    path: `${VOICE}/heard`, form: fixture('speech-stranger'), script: { 我扫了院子: UNKNOWN },
    twiml: [say(UNKNOWN.speech), hangup], previewed: [{ sender: '+8613911112222', text: '我扫了院子' }], accepted: [],
  },
  {
    label: 'no SpeechResult at all: asked again, nothing previewed',
    path: `${VOICE}/heard`, form: fixture('speech-empty'),
    twiml: listen(speech.notHeard), previewed: [], accepted: [],
  },
  {
    label: 'a blank SpeechResult: asked again, nothing previewed',
    path: `${VOICE}/heard`, form: { ...fixture('speech-chinese'), SpeechResult: '  \u3000 ' },
    twiml: listen(speech.notHeard), previewed: [], accepted: [],
  },
  {
    label: 'key 1: the words are stored as the call\'s message, and the caller is told what happens next',
    path: confirmPath(SAID), form: fixture('digits-1'),
    twiml: [say(speech.recorded), hangup], previewed: [],
    accepted: [{
      channel: 'voice', externalId: `CA5f0e8c2b7d4a41e9b3c6a1d0f2e47b58:${shortHash(SAID)}`, sender: '+8613900020003',
      recipient: '+8613900009999', text: SAID, attachments: [],
    }],
  },
  {
    label: 'PostgreSQL down: the words as heard are read back (the host cannot understand them now), key 1 keeps them',
    path: `${VOICE}/heard`, form: fixture('speech-chinese'), script: { [SAID]: UNCHECKED }, spooling: true,
    twiml: confirmKey(SAID, UNCHECKED.speech), previewed: [{ sender: '+8613900020003', text: SAID }], accepted: [],
  },
  {
    label: 'key 1 while PostgreSQL is down: spooled, and the caller hears the host\'s acknowledgement, not "sent for review"',
    path: confirmPath(SAID), form: fixture('digits-1'), spooling: true,
    twiml: [say(KEPT), hangup], previewed: [],
    accepted: [{ channel: 'voice', externalId: `CA5f0e8c2b7d4a41e9b3c6a1d0f2e47b58:${shortHash(SAID)}`, sender: '+8613900020003', text: SAID }],
  },
  {
    label: 'key 2: asked to speak again, nothing stored',
    path: confirmPath(SAID), form: fixture('digits-2'),
    twiml: listen(speech.sayAgain), previewed: [], accepted: [],
  },
  {
    label: 'key 9: the same question again, with the same words in the action',
    path: confirmPath(SAID), form: fixture('digits-9'), script: { [SAID]: CLAIM },
    twiml: confirmKey(SAID, CLAIM.speech), previewed: [{ sender: '+8613900020003', text: SAID }], accepted: [],
  },
  {
    label: '# alone (no digit): the same question again',
    path: confirmPath(SAID), form: { ...fixture('digits-9'), Digits: '', FinishedOnKey: '#' }, script: { [SAID]: CLAIM },
    twiml: confirmKey(SAID, CLAIM.speech), previewed: [{ sender: '+8613900020003', text: SAID }], accepted: [],
  },
];

describe('twilio voice call flow (fixtures)', () => {
  it.each(flowRows)('$label', async (row) => {
    const host = fakeHost(row.script, {}, row.spooling);
    const target = await mount(host);
    const response = await post(target, row.path, row.form);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/xml/);
    expect(outline(response.body)).toEqual(row.twiml);
    expect(host.previews).toEqual(row.previewed.map((p) => ({ channel: 'voice', ...p })));
    expect(host.accepted).toHaveLength(row.accepted.length);
    row.accepted.forEach((expected, i) => expect(host.accepted[i]).toMatchObject(expected));
  });

  it('gives the host the number called, for the village\'s texts when the caller cannot be looked up', async () => {
    const host = fakeHost({ [SAID]: CLAIM });
    await post(await mount(host), `${VOICE}/heard`, fixture('speech-chinese'));
    expect(host.recipients).toEqual(['+8613900009999']);
  });

  it('stores the confirmed words with the whole form and the words in raw, received now', async () => {
    const host = fakeHost();
    const target = await mount(host);
    const before = Date.now();
    await post(target, confirmPath(SAID), fixture('digits-1'));
    const [message] = host.accepted;
    expect(message!.raw).toEqual({ ...fixture('digits-1'), said: SAID });
    expect(message!.receivedAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(message!.receivedAt.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('a repeated confirmation is stored once: the host reports a duplicate and the caller hears the same answer', async () => {
    const host = fakeHost();
    const target = await mount(host);
    const first = await post(target, confirmPath(SAID), fixture('digits-1'));
    const again = await post(target, confirmPath(SAID), fixture('digits-1'));
    expect(again.statusCode).toBe(200);
    expect(again.body).toBe(first.body);
    expect(outline(again.body)).toEqual([say(speech.recorded), hangup]);
    expect(host.accepted.map((m) => m.externalId)).toEqual([host.accepted[0]!.externalId, host.accepted[0]!.externalId]);
    await expect(host.acceptInbound(host.accepted[0]!)).resolves.toEqual({ id: 1, duplicate: true });
  });

  it('two different claims confirmed in one call are two messages', async () => {
    const host = fakeHost();
    const target = await mount(host);
    await post(target, confirmPath(SAID), fixture('digits-1'));
    await post(target, confirmPath('还交了医保'), fixture('digits-1'));
    const [first, second] = host.accepted;
    expect(first!.externalId).not.toBe(second!.externalId);
    expect(second!.externalId).toBe(`CA5f0e8c2b7d4a41e9b3c6a1d0f2e47b58:${shortHash('还交了医保')}`);
  });

  it.each([
    ['Chinese with punctuation', SAID],
    ['an apostrophe, brackets, ampersand and equals sign', "扫了院坝 & 'P05' (两次) a=b!*"],
    ['a plus sign and percent signs', '+1 还交了医保 100%'],
  ])('the confirm action round-trips the words exactly: %s', async (_label, words) => {
    const host = fakeHost({ [words]: CLAIM });
    const target = await mount(host);
    const heard = await post(target, `${VOICE}/heard`, { ...fixture('speech-chinese'), SpeechResult: words });
    const [gather] = outline(heard.body);
    const action = gather!.attributes.action!;
    expect(action.startsWith(`${PUBLIC_URL}${VOICE}/confirm?said=`)).toBe(true);
    // Only unreserved characters and percent escapes: nothing on the way can re-encode the URL Twilio signs.
    expect(action.slice(`${PUBLIC_URL}${VOICE}/confirm?said=`.length)).toMatch(/^[A-Za-z0-9._~%-]*$/);
    // Twilio posts to the action exactly as written and signs that URL.
    const confirmed = await post(target, action.slice(PUBLIC_URL.length), fixture('digits-1'), { url: action });
    expect(confirmed.statusCode).toBe(200);
    expect(host.accepted.map((m) => m.text)).toEqual([words.trim()]);
  });
});

describe('twilio voice: malformed payloads and trouble', () => {
  it.each([
    ['heard without From', `${VOICE}/heard`, without(fixture('speech-chinese'), 'From'), 'From is missing'],
    ['key 1 without CallSid', confirmPath(SAID), without(fixture('digits-1'), 'CallSid'), 'CallSid is missing'],
    ['key 1 without From', confirmPath(SAID), without(fixture('digits-1'), 'From'), 'From is missing'],
    ['key 1 without the words', `${VOICE}/confirm`, fixture('digits-1'), 'said is missing'],
    ['key 1 with blank words', confirmPath('   '), fixture('digits-1'), 'said is missing'],
  ])('%s → 400 and nothing stored', async (_label, requestPath, form, error) => {
    const host = fakeHost({ [SAID]: CLAIM });
    const target = await mount(host);
    const response = await post(target, requestPath, form);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error });
    expect(host.accepted).toEqual([]);
  });

  it('a failing preview is an apology to the caller, not an application error', async () => {
    const host = fakeHost({}, { preview: new Error('database down') });
    const target = await mount(host);
    const response = await post(target, `${VOICE}/heard`, fixture('speech-chinese'));
    expect(response.statusCode).toBe(200);
    expect(outline(response.body)).toEqual([say(speech.trouble), hangup]);
  });

  it('a failing store never tells the caller it was recorded', async () => {
    const host = fakeHost({}, { accept: new Error('database down') });
    const target = await mount(host);
    const response = await post(target, confirmPath(SAID), fixture('digits-1'));
    expect(response.statusCode).toBe(200);
    expect(outline(response.body)).toEqual([say(speech.trouble), hangup]);
    expect(response.body).not.toContain(speech.recorded);
  });

  it('refuses anything but a form (415)', async () => {
    const host = fakeHost();
    const target = await mount(host);
    const response = await target.inject({
      method: 'POST', url: `${VOICE}/heard`, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(fixture('speech-chinese')),
    });
    expect(response.statusCode).toBe(415);
    expect(host.previews).toEqual([]);
  });
});

interface SignatureRow {
  label: string;
  path: string;
  form: Record<string, string>;
  signing: Signing;
  settings?: { authToken?: string };
  status: number;
}

const signedConfirm = { path: confirmPath(SAID), form: fixture('digits-1') };
const signatureRows: SignatureRow[] = [
  { label: 'incoming call, signed', path: VOICE, form: fixture('incoming-call'), signing: 'valid', status: 200 },
  { label: 'incoming call, unsigned', path: VOICE, form: fixture('incoming-call'), signing: 'missing', status: 403 },
  { label: 'incoming call, another token', path: VOICE, form: fixture('incoming-call'), signing: { token: 'someone-else' }, status: 403 },
  { label: 'incoming call, no auth token configured', path: VOICE, form: fixture('incoming-call'), signing: 'valid', settings: {}, status: 403 },
  { label: 'speech, signed', path: `${VOICE}/heard`, form: fixture('speech-chinese'), signing: 'valid', status: 200 },
  { label: 'speech, words changed after signing', path: `${VOICE}/heard`, form: { ...fixture('speech-chinese'), SpeechResult: '扫了院坝扫了院坝' }, signing: { form: fixture('speech-chinese') }, status: 403 },
  { label: 'speech, signed for another host', path: `${VOICE}/heard`, form: fixture('speech-chinese'), signing: { url: `https://elsewhere.example.org${VOICE}/heard` }, status: 403 },
  { label: 'confirm, signed over the URL with its query string', ...signedConfirm, signing: 'valid', status: 200 },
  { label: 'confirm, signed over the path without the query string', ...signedConfirm, signing: { url: `${PUBLIC_URL}${VOICE}/confirm` }, status: 403 },
  { label: 'confirm, signed over other words', ...signedConfirm, signing: { url: `${PUBLIC_URL}${confirmPath('扫了院坝还交了医保')}` }, status: 403 },
  { label: 'confirm, key changed after signing', ...signedConfirm, signing: { form: fixture('digits-2') }, status: 403 },
];

describe('twilio voice signatures', () => {
  it.each(signatureRows)('$label → $status', async (row) => {
    const host = fakeHost({ [SAID]: CLAIM });
    const target = await mount(host, row.settings);
    const response = await post(target, row.path, row.form, row.signing);
    expect(response.statusCode).toBe(row.status);
    if (row.status === 403) {
      expect(response.json()).toEqual({ error: 'invalid Twilio signature' });
      expect(host.previews).toEqual([]);
      expect(host.accepted).toEqual([]);
    } else {
      expect(response.headers['content-type']).toMatch(/^text\/xml/);
    }
  });
});

describe('twilio voice beside twilio SMS under one prefix', () => {
  it('both plugins mount at /channels/twilio and each answers its own paths', async () => {
    const host = fakeHost({ [SAID]: CLAIM });
    app = Fastify();
    const settings = { authToken: AUTH_TOKEN, publicUrl: PUBLIC_URL };
    await app.register(twilioSms(settings).routes!, { prefix: '/channels/twilio', host });
    await app.register(twilioVoice(settings).routes!, { prefix: '/channels/twilio', host });
    const sms = { MessageSid: 'SM32728b9c8af1e34a2f7929dd07bef0c9', From: '+8613900020003', To: '+8613900009999', Body: '今天把院坝扫干净了' };
    const smsResponse = await post(app, '/channels/twilio/sms', sms);
    const voiceResponse = await post(app, `${VOICE}/heard`, fixture('speech-chinese'));
    expect(smsResponse.statusCode).toBe(200);
    expect(smsResponse.body).toBe('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
    expect(outline(voiceResponse.body)).toEqual(confirmKey(SAID, CLAIM.speech));
    expect(host.accepted.map((m) => m.channel)).toEqual(['sms']);
  });
});
