import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { BODY_LIMIT, parseTimestamp, transcriptFeed } from '../../../channels/transcripts/index.ts';
import { transcriptSettings } from '../../../channels/transcripts/settings.ts';
import type { ChannelHost, NormalizedInbound } from '../../../channels/types.ts';
import { mountRoutes } from '../../support/channel-app.ts';
import { storableInbound } from '../../../src/storable.ts';

const SECRET = 'transcript-test-secret-7f3a';
const URL_PATH = '/channels/transcripts/';
const JSON_TYPE = 'application/json';

/** A transcript body as the sender posts it: the file's exact bytes (test/fixtures/transcripts/<name>.json). */
function fixture(name: string): Buffer {
  return readFileSync(path.resolve(import.meta.dirname, '../../fixtures/transcripts', `${name}.json`));
}

const sign = (body: Buffer | string, secret = SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
const json = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');
const VALID = JSON.parse(fixture('valid').toString('utf8')) as Record<string, unknown>;

interface FakeHost extends ChannelHost { accepted: NormalizedInbound[] }

/** Idempotent on channel + externalId like the real host; reports duplicates. */
function fakeHost(): FakeHost {
  const ids = new Map<string, number>();
  const host: FakeHost = {
    accepted: [],
    async acceptInbound(message) {
      host.accepted.push(message);
      const key = `${message.channel}|${message.externalId}`;
      const known = ids.get(key);
      if (known !== undefined) return { id: known, duplicate: true };
      ids.set(key, 100 + ids.size);
      return { id: 100 + ids.size - 1, duplicate: false };
    },
    async recordDelivery() { throw new Error('a transcript feed never records deliveries'); },
    async preview() { throw new Error('a transcript feed never previews'); },
  };
  return host;
}

let app: FastifyInstance | undefined;
afterEach(async () => { await app?.close(); app = undefined; });

/** The fixtures' calls were a minute before this: inside the replay window. */
const FIXTURE_NOW = Date.parse('2026-03-12T06:08:00Z');

/** The feed on a bare app; `logs` collects the app's log lines. */
async function mount(host: ChannelHost, settings: { secret?: string; now?: () => number } = { secret: SECRET, now: () => FIXTURE_NOW }) {
  const mounted = await mountRoutes(transcriptFeed(settings).routes!, '/channels/transcripts', host);
  app = mounted.app;
  return { target: mounted.app, logs: mounted.logs };
}

type Signing = 'valid' | 'missing' | { header: string };

async function post(target: FastifyInstance, body: Buffer, signing: Signing = 'valid', contentType: string | null = JSON_TYPE) {
  const headers: Record<string, string> = {};
  if (contentType !== null) headers['content-type'] = contentType;
  if (signing === 'valid') headers['x-jifen-signature'] = sign(body);
  else if (signing !== 'missing') headers['x-jifen-signature'] = signing.header;
  return target.inject({ method: 'POST', url: URL_PATH, headers, payload: body });
}

describe('transcript feed adapter', () => {
  it('is an inbound-only voice adapter mounted under /channels/transcripts', () => {
    const adapter = transcriptFeed({ secret: SECRET });
    expect(adapter).toMatchObject({ provider: 'transcripts', channel: 'voice', prefix: 'transcripts', dryRun: false });
    expect(adapter.send).toBeUndefined();
  });

  it.each([
    [{}, undefined],
    [{ JIFEN_TRANSCRIPT_SECRET: '' }, undefined],
    [{ JIFEN_TRANSCRIPT_SECRET: '   ' }, undefined],
    [{ JIFEN_TRANSCRIPT_SECRET: ' s3cret ' }, 's3cret'],
  ])('transcriptSettings(%j) → secret %s', (env, secret) => {
    expect(transcriptSettings(env)).toEqual({ secret });
  });
});

interface FixtureRow {
  label: string;
  body: Buffer;
  status: number;
  json?: unknown;
  stored?: Partial<NormalizedInbound>;
}

const fixtureRows: FixtureRow[] = [
  {
    label: 'valid transcript (pretty-printed, extra fields kept in raw)',
    body: fixture('valid'), status: 202, json: { messageId: 100, duplicate: false },
    stored: {
      channel: 'voice', externalId: 'transcript:cc-2026-0312-000187', sender: '+8613900020003',
      text: '喂，我是王兰英，今天把院坝扫干净了，还把门前的水沟也清了。', attachments: [],
      receivedAt: new Date('2026-03-12T06:05:00.000Z'), raw: VALID,
    },
  },
  {
    label: 'emoji in the text are kept as they are',
    body: fixture('emoji'), status: 202, json: { messageId: 100, duplicate: false },
    stored: { externalId: 'transcript:cc-2026-0312-000189', sender: '+8613900020002', text: '👍🧹🏡✨ 扫了院坝', receivedAt: new Date('2026-03-12T06:07:00.000Z') },
  },
  { label: 'missing caller', body: fixture('missing-caller'), status: 400, json: { error: 'caller is missing' } },
  { label: 'not JSON (cut off in transit)', body: fixture('non-json'), status: 400, json: { error: 'body is not valid JSON' } },
];

describe('transcript feed (fixtures)', () => {
  it.each(fixtureRows)('$label → $status', async (row) => {
    const host = fakeHost();
    const { target } = await mount(host);
    const response = await post(target, row.body);
    expect(response.statusCode).toBe(row.status);
    expect(response.json()).toEqual(row.json);
    if (row.stored) {
      expect(host.accepted).toHaveLength(1);
      expect(host.accepted[0]).toMatchObject(row.stored);
      expect(host.accepted[0]!.recipient).toBeUndefined();
    } else {
      expect(host.accepted).toEqual([]);
    }
  });

  it('a huge transcript (over 64 kB) is refused with 413 before anything is stored', async () => {
    const body = fixture('huge-text');
    expect(body.length).toBeGreaterThan(BODY_LIMIT);
    const host = fakeHost();
    const { target } = await mount(host);
    const response = await post(target, body);
    expect(response.statusCode).toBe(413);
    expect(host.accepted).toEqual([]);
  });

  it.each([
    ['exactly 64 kB is accepted', BODY_LIMIT, 202],
    ['one byte more is refused', BODY_LIMIT + 1, 413],
  ])('%s', async (_label, size, status) => {
    const base = json({ ...VALID, text: '' }).length;
    const body = json({ ...VALID, text: 'a'.repeat(size - base) });
    expect(body.length).toBe(size);
    const host = fakeHost();
    const { target } = await mount(host);
    expect((await post(target, body)).statusCode).toBe(status);
  });
});

describe('transcript feed: idempotency', () => {
  it('the same callId posted twice is stored once: the second answer says duplicate, with the same id', async () => {
    const host = fakeHost();
    const { target } = await mount(host);
    const first = await post(target, fixture('valid'));
    const again = await post(target, fixture('valid'));
    expect(first.statusCode).toBe(202);
    expect(again.statusCode).toBe(202);
    expect(first.json()).toEqual({ messageId: 100, duplicate: false });
    expect(again.json()).toEqual({ messageId: 100, duplicate: true });
    expect(host.accepted.map((m) => m.externalId)).toEqual(['transcript:cc-2026-0312-000187', 'transcript:cc-2026-0312-000187']);
  });

  it('another callId is another message', async () => {
    const host = fakeHost();
    const { target } = await mount(host);
    await post(target, fixture('valid'));
    const other = await post(target, json({ ...VALID, callId: 'cc-2026-0312-000999' }));
    expect(other.json()).toEqual({ messageId: 101, duplicate: false });
  });
});

interface SignatureRow { label: string; signing: Signing; status: number }

const validBody = fixture('valid');
const signatureRows: SignatureRow[] = [
  { label: 'signed over the exact bytes', signing: 'valid', status: 202 },
  { label: 'upper-case hex', signing: { header: sign(validBody).replace(/[a-f]/g, (c) => c.toUpperCase()).replace('SHA256=', 'sha256=') }, status: 202 },
  { label: 'no header', signing: 'missing', status: 403 },
  { label: 'another secret', signing: { header: sign(validBody, 'someone-else') }, status: 403 },
  { label: 'signed over the re-serialized JSON, not the bytes sent', signing: { header: sign(JSON.stringify(VALID)) }, status: 403 },
  { label: 'hex without the sha256= prefix', signing: { header: sign(validBody).slice('sha256='.length) }, status: 403 },
  { label: 'sha1= prefix', signing: { header: sign(validBody).replace('sha256=', 'sha1=') }, status: 403 },
  { label: 'truncated hex', signing: { header: sign(validBody).slice(0, -2) }, status: 403 },
  { label: 'empty header', signing: { header: '' }, status: 403 },
];

describe('transcript feed signatures', () => {
  it.each(signatureRows)('$label → $status', async (row) => {
    const host = fakeHost();
    const { target } = await mount(host);
    const response = await post(target, validBody, row.signing);
    expect(response.statusCode).toBe(row.status);
    if (row.status === 403) {
      expect(response.json()).toEqual({ error: 'invalid signature' });
      expect(host.accepted).toEqual([]);
    }
  });

  it('a bad signature is refused before the body is looked at (no 400 for an unsigned bad body)', async () => {
    const host = fakeHost();
    const { target } = await mount(host);
    const response = await post(target, fixture('non-json'), { header: sign('something else') });
    expect(response.statusCode).toBe(403);
  });

  it('without a secret configured every post is refused (403) and the log says why', async () => {
    const host = fakeHost();
    const { target, logs } = await mount(host, {});
    const body = fixture('valid');
    const response = await post(target, body, { header: sign(body, '') });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({ error: 'transcript feed is not configured' });
    expect(host.accepted).toEqual([]);
    expect(logs.some((line) => line.msg.includes('JIFEN_TRANSCRIPT_SECRET is not set') && line.level >= 40)).toBe(true);
  });

  it('refuses anything but JSON (415)', async () => {
    const host = fakeHost();
    const { target } = await mount(host);
    const body = Buffer.from(new URLSearchParams({ caller: '+8613900020003', text: '扫了院坝', callId: 'x', timestamp: '2026-03-12T06:05:00Z' }).toString());
    expect((await post(target, body, 'valid', 'application/x-www-form-urlencoded')).statusCode).toBe(415);
    expect((await post(target, body, 'valid', 'text/plain')).statusCode).toBe(415);
    expect(host.accepted).toEqual([]);
  });

  it('accepts JSON with a charset parameter', async () => {
    const host = fakeHost();
    const { target } = await mount(host);
    expect((await post(target, fixture('valid'), 'valid', 'application/json; charset=utf-8')).statusCode).toBe(202);
  });
});

const future = (ms: number) => new Date(FIXTURE_NOW + ms).toISOString();

describe('transcript feed: field checks (signed bodies)', () => {
  it.each([
    { label: 'empty body', body: Buffer.alloc(0), error: 'body is not valid JSON' },
    { label: 'a JSON array', body: json([VALID]), error: 'body must be a JSON object' },
    { label: 'JSON null', body: json(null), error: 'body must be a JSON object' },
    { label: 'missing text', body: json({ ...VALID, text: undefined }), error: 'text is missing' },
    { label: 'missing callId', body: json({ ...VALID, callId: undefined }), error: 'callId is missing' },
    { label: 'missing timestamp', body: json({ ...VALID, timestamp: undefined }), error: 'timestamp is missing' },
    { label: 'blank text', body: json({ ...VALID, text: ' \n ' }), error: 'text is empty' },
    { label: 'numeric callId', body: json({ ...VALID, callId: 187 }), error: 'callId must be a string' },
    { label: 'caller as an object', body: json({ ...VALID, caller: { number: '+8613900020003' } }), error: 'caller must be a string' },
    { label: 'timestamp without a zone', body: json({ ...VALID, timestamp: '2026-03-12T14:05:00' }), error: 'timestamp must be an ISO 8601 date and time with a zone, e.g. 2026-03-12T14:05:00+08:00' },
    { label: 'timestamp as a date only', body: json({ ...VALID, timestamp: '2026-03-12' }), error: 'timestamp must be an ISO 8601 date and time with a zone, e.g. 2026-03-12T14:05:00+08:00' },
    { label: 'timestamp on 30 February', body: json({ ...VALID, timestamp: '2026-02-30T10:00:00Z' }), error: 'timestamp must be an ISO 8601 date and time with a zone, e.g. 2026-03-12T14:05:00+08:00' },
    { label: 'timestamp in Chinese', body: json({ ...VALID, timestamp: '2026年3月12日 14:05' }), error: 'timestamp must be an ISO 8601 date and time with a zone, e.g. 2026-03-12T14:05:00+08:00' },
    { label: 'timestamp a day ahead', body: json({ ...VALID, timestamp: future(86_400_000) }), error: 'timestamp is more than 5 minutes away' },
    { label: 'timestamp 5 minutes and 1 second ago (a replay)', body: json({ ...VALID, timestamp: future(-301_000) }), error: 'timestamp is more than 5 minutes away' },
    { label: 'timestamp in 2001', body: json({ ...VALID, timestamp: '2001-01-01T00:00:00Z' }), error: 'timestamp is more than 5 minutes away' },
    { label: 'timestamp in year 0000', body: json({ ...VALID, timestamp: '0000-01-01T00:00:00Z' }), error: 'timestamp is more than 5 minutes away' },
    { label: 'timestamp at the end of time (+275760-09-13)', body: json({ ...VALID, timestamp: '+275760-09-13T00:00:00Z' }), error: 'timestamp must be an ISO 8601 date and time with a zone, e.g. 2026-03-12T14:05:00+08:00' },
  ])('$label → 400 "$error"', async ({ body, error }) => {
    const host = fakeHost();
    const { target } = await mount(host);
    const response = await post(target, body);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error });
    expect(host.accepted).toEqual([]);
  });

  it('NUL characters are dropped (PostgreSQL cannot store them), in the text and in raw, when the message is stored', async () => {
    const host = fakeHost();
    const { target } = await mount(host);
    const response = await post(target, json({ ...VALID, text: '扫了\u0000院坝', extra: { 'k\u0000': ['\u0000x'] } }));
    expect(response.statusCode).toBe(202);
    const stored = storableInbound(host.accepted[0]!);
    expect(stored.text).toBe('扫了院坝');
    expect(JSON.stringify(stored.raw)).not.toContain('\\u0000');
    expect(stored.raw).toMatchObject({ extra: { k: ['x'] } });
  });

  it('caller, text and callId are trimmed', async () => {
    const host = fakeHost();
    const { target } = await mount(host);
    await post(target, json({ ...VALID, caller: ' +8613900020003 ', text: ' 扫了院坝\n', callId: ' cc-1 ' }));
    expect(host.accepted[0]).toMatchObject({ sender: '+8613900020003', text: '扫了院坝', externalId: 'transcript:cc-1' });
  });

  it('a timestamp a little ahead of jifen\'s clock (skew) is accepted as received now', async () => {
    const host = fakeHost();
    const { target } = await mount(host);
    const response = await post(target, json({ ...VALID, timestamp: future(60_000) }));
    expect(response.statusCode).toBe(202);
    expect(host.accepted[0]!.receivedAt.getTime()).toBe(FIXTURE_NOW);
  });
});

describe('parseTimestamp', () => {
  it.each([
    ['2026-03-12T14:05:00+08:00', '2026-03-12T06:05:00.000Z'],
    ['2026-03-12T14:05:00+0800', '2026-03-12T06:05:00.000Z'],
    ['2026-03-12T06:05:00Z', '2026-03-12T06:05:00.000Z'],
    ['2026-03-12T06:05:00.123456Z', '2026-03-12T06:05:00.123Z'],
    ['2026-03-12T06:05Z', '2026-03-12T06:05:00.000Z'],
    ['2028-02-29T00:00:00Z', '2028-02-29T00:00:00.000Z'],
  ])('%s → %s', (input, iso) => {
    expect(parseTimestamp(input)?.toISOString()).toBe(iso);
  });

  it.each(['2026-03-12', '2026-03-12 14:05:00+08:00', '2026-03-12T14:05:00', '2026-02-29T00:00:00Z', '2026-03-12T24:00:00Z', '2026-03-12T14:60:00Z', '2026-13-01T00:00:00Z', '2026-03-12T14:05:00+25:00', ''])('%j is refused', (input) => {
    expect(parseTimestamp(input)).toBeUndefined();
  });
});
