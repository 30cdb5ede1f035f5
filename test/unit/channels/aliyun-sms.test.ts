import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  aliyunSms, aliyunSmsSettings, fillTemplate, parseTemplates, type AliyunOutboundRequest, type AliyunSmsSettings,
} from '../../../channels/aliyun-sms/index.ts';
import { BODY_LIMIT, TOKEN_HEADER } from '../../../channels/aliyun-sms/routes.ts';
import type { TemplateRegistry } from '../../../channels/aliyun-sms/templates.ts';
import { PermanentSendError, type ChannelHost, type DeliveryStatus, type NormalizedInbound } from '../../../channels/types.ts';
import { expectReceivedAt, mountRoutes, recordingHost } from '../../support/channel-app.ts';
import { FakeAliyun, type FakeAliyunReply } from '../../support/fake-aliyun.ts';

/** A payload exactly as Aliyun sends it (test/fixtures/aliyun-sms/<name>.json), as text. */
const fixture = (name: string) => readFileSync(path.resolve(import.meta.dirname, '../../fixtures/aliyun-sms', `${name}.json`), 'utf8');
const items = (name: string) => JSON.parse(fixture(name)) as Record<string, unknown>[];

const TOKEN = 'c2f1e8a94b7d4e0f9a3b6c5d8e7f1a2b';
const SIGN_NAME = '放牛坪村委会';
const KEY_ID = 'LTAI5tFangniupingJifen01';
const KEY_SECRET = 'xQ3vR8kL2mN7pT4yB6cD9fGh1JqW5s';
const RECEIVED = { code: 0, msg: '成功' };
const TEMPLATES: AliyunSmsSettings['templates'] = {
  receipt: { code: 'SMS_471065012', params: ['item', 'points', 'balance'] },
  verification: { code: 'SMS_471065020', params: ['code'] },
  weekly_reminder: { code: 'SMS_471065031', params: [] },
};
const DEFAULT_TEMPLATE = { code: 'SMS_471065001', params: ['content'] };
const SETTINGS: AliyunSmsSettings = { templates: TEMPLATES, defaultTemplate: DEFAULT_TEMPLATE, pushToken: TOKEN };

async function mount(settings: AliyunSmsSettings = SETTINGS, host?: ChannelHost) {
  const recording = recordingHost();
  return { ...await mountRoutes(aliyunSms(settings).routes!, '/channels/aliyun', host ?? recording.host), ...recording };
}

const post = (app: FastifyInstance, route: 'up' | 'report', body: string, options: { query?: Record<string, string | string[]>; headers?: Record<string, string>; contentType?: string | null } = {}) =>
  app.inject({
    method: 'POST', url: `/channels/aliyun/${route}`, query: options.query ?? { token: TOKEN }, payload: body,
    headers: { ...(options.contentType === null ? {} : { 'content-type': options.contentType ?? 'application/json' }), ...options.headers },
  });

describe('aliyun sms: the push token', () => {
  const up = fixture('sms-up');
  const rows: { label: string; route?: 'up' | 'report'; settings?: AliyunSmsSettings; query?: Record<string, string | string[]>; headers?: Record<string, string>; body?: string; status: number; error?: string }[] = [
    { label: 'token in the URL', status: 200 },
    { label: 'token in the header', query: {}, headers: { [TOKEN_HEADER]: TOKEN }, status: 200 },
    { label: 'token in the URL of a report push', route: 'report', body: fixture('sms-report-delivered'), status: 200 },
    { label: 'another token', query: { token: 'c2f1e8a94b7d4e0f9a3b6c5d8e7f1a2c' }, status: 403, error: 'invalid push token' },
    { label: 'a prefix of the token', query: { token: TOKEN.slice(0, 16) }, status: 403, error: 'invalid push token' },
    { label: 'another token in the header', query: {}, headers: { [TOKEN_HEADER]: 'nope' }, status: 403, error: 'invalid push token' },
    { label: 'no token', query: {}, status: 403, error: 'invalid push token' },
    { label: 'an empty token', query: { token: '' }, status: 403, error: 'invalid push token' },
    { label: 'the token given twice', query: { token: [TOKEN, TOKEN] }, status: 403, error: 'invalid push token' },
    { label: 'no token on a report push', route: 'report', query: {}, body: fixture('sms-report-delivered'), status: 403, error: 'invalid push token' },
    { label: 'a bad token is refused before the body is read (even malformed)', query: { token: 'nope' }, body: '[{', status: 403, error: 'invalid push token' },
    { label: 'ALIYUN_SMS_PUSH_TOKEN unset: the right-looking token is refused', settings: { ...SETTINGS, pushToken: undefined }, status: 403, error: 'ALIYUN_SMS_PUSH_TOKEN is not set' },
    {
      label: 'ALIYUN_SMS_PUSH_TOKEN unset: an empty token is refused too', settings: { ...SETTINGS, pushToken: undefined }, query: { token: '' },
      status: 403, error: 'ALIYUN_SMS_PUSH_TOKEN is not set',
    },
  ];
  for (const row of rows) it(`${row.label} → ${row.status}`, async () => {
    const { app, calls, deliveries, logs } = await mount(row.settings);
    const response = await post(app, row.route ?? 'up', row.body ?? up, { query: row.query, headers: row.headers });
    await app.close();
    expect(response.statusCode).toBe(row.status);
    if (row.status === 200) {
      expect(response.json()).toEqual(RECEIVED);
      expect(calls.length + deliveries.length).toBeGreaterThan(0);
      return;
    }
    expect(response.json()).toEqual({ error: row.error });
    expect(calls).toEqual([]);
    expect(deliveries).toEqual([]);
    expect(logs).toContainEqual(expect.objectContaining({ msg: `aliyun sms push refused: ${row.error}` }));
  });
});

type Expected = Omit<NormalizedInbound, 'raw' | 'receivedAt' | 'attachments'> & { receivedAt: string | 'now' };
const sms = (externalId: string, sender: string, text: string, receivedAt: string | 'now'): Expected =>
  ({ channel: 'sms', externalId, sender, text, receivedAt });

const upItem = items('sms-up')[0]!;
/** The first uplink message of the fixture with some fields changed (undefined removes one). */
const variant = (changes: Record<string, unknown>) =>
  JSON.stringify([Object.fromEntries(Object.entries({ ...upItem, ...changes }).filter(([, value]) => value !== undefined))]);
/** The same, with a field's value written as raw JSON (a long number literal). */
const variantRaw = (name: string, literal: string) => variant({ [name]: '@@' }).replace('"@@"', literal);

const upRows: { label: string; body: string; expected: Expected[] | { error: string } }[] = [
  {
    label: 'two replies in one push', body: fixture('sms-up'),
    expected: [
      sms('aliyun:2386451297', '+8613900020003', '今天把院坝扫干净了', '2026-03-12T01:25:03.000Z'),
      sms('aliyun:2386451298', '+8613900020005', '查积分', '2026-03-12T01:25:41.000Z'),
    ],
  },
  { label: 'the older format: sign_name and a numeric sequence_id', body: fixture('sms-up-legacy'), expected: [sms('aliyun:2386452013', '+8613900020003', '同意 12', '2026-03-12T02:02:17.000Z')] },
  { label: 'a sequence_id beyond 2^53 keeps every digit', body: variantRaw('sequence_id', '9223372036854775807'), expected: [sms('aliyun:9223372036854775807', '+8613900020003', '今天把院坝扫干净了', '2026-03-12T01:25:03.000Z')] },
  { label: 'phone_number with 86', body: variant({ phone_number: '8613900020003' }), expected: [sms('aliyun:2386451297', '+8613900020003', '今天把院坝扫干净了', '2026-03-12T01:25:03.000Z')] },
  { label: 'phone_number with +86', body: variant({ phone_number: '+86 139 0002 0003' }), expected: [sms('aliyun:2386451297', '+8613900020003', '今天把院坝扫干净了', '2026-03-12T01:25:03.000Z')] },
  { label: 'phone_number with 0086', body: variant({ phone_number: '008613900020003' }), expected: [sms('aliyun:2386451297', '+8613900020003', '今天把院坝扫干净了', '2026-03-12T01:25:03.000Z')] },
  { label: 'a landline is kept as sent', body: variant({ phone_number: '02367891234' }), expected: [sms('aliyun:2386451297', '02367891234', '今天把院坝扫干净了', '2026-03-12T01:25:03.000Z')] },
  { label: 'the compact send_time of older pushes', body: variant({ send_time: '20260312092503' }), expected: [sms('aliyun:2386451297', '+8613900020003', '今天把院坝扫干净了', '2026-03-12T01:25:03.000Z')] },
  { label: 'an unreadable send_time: the time it arrived', body: variant({ send_time: 'yesterday' }), expected: [sms('aliyun:2386451297', '+8613900020003', '今天把院坝扫干净了', 'now')] },
  { label: 'no send_time: the time it arrived', body: variant({ send_time: undefined }), expected: [sms('aliyun:2386451297', '+8613900020003', '今天把院坝扫干净了', 'now')] },
  { label: 'spaces, newlines and JSON specials are kept exactly', body: variant({ content: ' 扫院坝 +2分 & "好"\n第二行 ' }), expected: [sms('aliyun:2386451297', '+8613900020003', ' 扫院坝 +2分 & "好"\n第二行 ', '2026-03-12T01:25:03.000Z')] },
  { label: 'emoji are kept', body: variant({ content: '👍🧹🏡' }), expected: [sms('aliyun:2386451297', '+8613900020003', '👍🧹🏡', '2026-03-12T01:25:03.000Z')] },
  { label: 'NUL is handed over as sent (acceptInbound drops it: storableInbound)', body: variant({ content: '今天\u0000扫了' }), expected: [sms('aliyun:2386451297', '+8613900020003', '今天\u0000扫了', '2026-03-12T01:25:03.000Z')] },
  { label: 'an empty reply is a message with no text', body: variant({ content: '' }), expected: [sms('aliyun:2386451297', '+8613900020003', '', '2026-03-12T01:25:03.000Z')] },
  { label: 'no sequence_id', body: variant({ sequence_id: undefined }), expected: { error: 'item 0: sequence_id is missing' } },
  { label: 'a blank sequence_id', body: variant({ sequence_id: ' ' }), expected: { error: 'item 0: sequence_id is missing' } },
  { label: 'no phone_number', body: variant({ phone_number: undefined }), expected: { error: 'item 0: phone_number is missing' } },
  { label: 'no content', body: variant({ content: undefined }), expected: { error: 'item 0: content is missing' } },
  { label: 'content that is not text', body: variant({ content: 5 }), expected: { error: 'item 0: content is missing' } },
  {
    label: 'a push whose every item is unreadable is refused with the first reason', body: JSON.stringify([{ ...upItem, sequence_id: null }, { ...upItem, content: 5 }]),
    expected: { error: 'item 0: sequence_id is missing' },
  },
];

describe('aliyun sms: replies (POST /up)', () => {
  for (const row of upRows) it(row.label, async () => {
    const { app, calls } = await mount();
    const before = Date.now();
    const response = await post(app, 'up', row.body);
    await app.close();
    if ('error' in row.expected) {
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ error: row.expected.error });
      expect(calls).toEqual([]);
      return;
    }
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(RECEIVED);
    const posted = JSON.parse(row.body.replace(/(\d{16,})/, '"$1"')) as Record<string, unknown>[];
    expect(calls).toHaveLength(row.expected.length);
    calls.forEach((call, index) => {
      const { raw, receivedAt, attachments, ...normalized } = call;
      const { receivedAt: expectedAt, ...expected } = (row.expected as Expected[])[index]!;
      expect(normalized).toEqual(expected);
      expect(attachments).toEqual([]);
      expectReceivedAt(receivedAt, expectedAt, before);
      // raw is the item as pushed: every field Aliyun sent is kept.
      expect(raw).toEqual(posted[index]);
    });
  });

  it('the fixtures are read by the table', () => {
    for (const name of ['sms-up', 'sms-up-legacy']) expect(upRows.some((row) => row.body === fixture(name)), name).toBe(true);
  });

  it('a push Aliyun repeats (no answer in time) is stored once, answered each time', async () => {
    const { app, calls, stored } = await mount();
    const responses = [];
    for (let attempt = 0; attempt < 3; attempt++) responses.push(await post(app, 'up', fixture('sms-up')));
    await app.close();
    expect(responses.map((response) => [response.statusCode, response.json()])).toEqual(Array(3).fill([200, RECEIVED]));
    expect(calls).toHaveLength(6);
    expect([...stored.values()].map((message) => message.externalId)).toEqual(['aliyun:2386451297', 'aliyun:2386451298']);
  });

  it('a database that fails answers 500, so Aliyun pushes again', async () => {
    const failing: ChannelHost = { ...recordingHost().host, acceptInbound: async () => { throw new Error('connection refused'); } };
    const { app } = await mount(SETTINGS, failing);
    const response = await post(app, 'up', fixture('sms-up'));
    await app.close();
    expect(response.statusCode).toBe(500);
  });
});

const reportRows: { label: string; body: string; expected: [string, DeliveryStatus, string | undefined][] | { error: string } }[] = [
  { label: 'delivered', body: fixture('sms-report-delivered'), expected: [['900619746936498440^1', 'delivered', undefined]] },
  { label: 'not delivered: the carrier\'s code and message', body: fixture('sms-report-failed'), expected: [['900619746936498440^2', 'failed', 'MK:0005 (停机)']] },
  {
    label: 'several reports in one push, in order', body: fixture('sms-report-batch'),
    expected: [['900619746936498440^3', 'delivered', undefined], ['900619746936498440^4', 'failed', 'UNDELIV (用户无法接收)']],
  },
  {
    label: 'success as text', body: fixture('sms-report-failed').replace('"success": false', '"success": "false"'),
    expected: [['900619746936498440^2', 'failed', 'MK:0005 (停机)']],
  },
  {
    label: 'a failure without err_msg', body: fixture('sms-report-failed').replace('"err_msg": "停机"', '"err_msg": ""'),
    expected: [['900619746936498440^2', 'failed', 'MK:0005']],
  },
  {
    label: 'a failure without err_code or err_msg', body: fixture('sms-report-failed').replace(/ *"err_(code|msg)": "[^"]*",\n/g, ''),
    expected: [['900619746936498440^2', 'failed', 'not delivered']],
  },
  { label: 'no biz_id', body: fixture('sms-report-delivered').replace(/ *"biz_id": "[^"]*",\n/, ''), expected: { error: 'item 0: biz_id is missing' } },
  { label: 'no success', body: fixture('sms-report-delivered').replace(/ *"success": true,\n/, ''), expected: { error: 'item 0: success is missing' } },
  { label: 'success that is neither true nor false', body: fixture('sms-report-delivered').replace('"success": true', '"success": 1'), expected: { error: 'item 0: success is missing' } },
];

describe('aliyun sms: delivery reports (POST /report)', () => {
  for (const row of reportRows) it(row.label, async () => {
    const { app, deliveries, calls } = await mount();
    const response = await post(app, 'report', row.body);
    await app.close();
    expect(calls).toEqual([]);
    if ('error' in row.expected) {
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ error: row.expected.error });
      expect(deliveries).toEqual([]);
      return;
    }
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual(RECEIVED);
    expect(deliveries).toEqual(row.expected);
  });

  it('the fixtures are read by the table', () => {
    for (const name of ['sms-report-delivered', 'sms-report-failed', 'sms-report-batch']) expect(reportRows.some((row) => row.body === fixture(name)), name).toBe(true);
  });
});

describe('aliyun sms: malformed and oversized bodies', () => {
  let mounted: Awaited<ReturnType<typeof mount>>;
  beforeAll(async () => { mounted = await mount(); });
  afterAll(async () => { await mounted.app.close(); });

  /** A valid push of exactly `bytes` bytes. */
  const pushOfSize = (bytes: number) => {
    const base = variant({ content: '' });
    return variant({ content: 'a'.repeat(bytes - Buffer.byteLength(base)) });
  };

  const rows: { label: string; route?: 'up' | 'report'; body: string; contentType?: string | null; status: number; error?: string }[] = [
    { label: 'empty body', body: '', status: 400, error: 'empty body: expected a JSON array' },
    { label: 'not JSON', body: 'phone_number=13900020003&content=hi', status: 400, error: 'malformed JSON' },
    { label: 'truncated JSON', body: fixture('sms-up').slice(0, 40), status: 400, error: 'malformed JSON' },
    { label: 'an object instead of an array', body: JSON.stringify(upItem), status: 400, error: 'expected a JSON array' },
    { label: 'an empty array', body: '[]', status: 400, error: 'an empty array' },
    { label: 'an array of strings', body: '["13900020003"]', status: 400, error: 'item 0 is not an object' },
    { label: 'a null item alone', body: '[null]', status: 400, error: 'item 0 is not an object' },
    { label: 'a nested array', route: 'report', body: '[[]]', status: 400, error: 'item 0 is not an object' },
    { label: 'not JSON on /report', route: 'report', body: '<xml/>', status: 400, error: 'malformed JSON' },
    { label: `a body of ${BODY_LIMIT} bytes + 1`, body: pushOfSize(BODY_LIMIT + 1), status: 400, error: `body larger than ${BODY_LIMIT} bytes` },
    { label: `a body of exactly ${BODY_LIMIT} bytes is a push`, body: pushOfSize(BODY_LIMIT), status: 200 },
    { label: 'application/json;charset=utf-8', body: fixture('sms-up'), contentType: 'application/json;charset=utf-8', status: 200 },
    { label: 'text/plain', body: fixture('sms-up'), contentType: 'text/plain', status: 200 },
    { label: 'no content type', body: fixture('sms-up'), contentType: null, status: 200 },
  ];
  for (const row of rows) it(`${row.label} → ${row.status}`, async () => {
    const before = mounted.calls.length + mounted.deliveries.length;
    const response = await post(mounted.app, row.route ?? 'up', row.body, { contentType: row.contentType });
    expect(response.statusCode).toBe(row.status);
    if (row.status === 200) {
      expect(response.json()).toEqual(RECEIVED);
      expect(mounted.calls.length + mounted.deliveries.length).toBeGreaterThan(before);
      return;
    }
    expect(response.json()).toEqual({ error: row.error });
    expect(mounted.calls.length + mounted.deliveries.length).toBe(before);
  });

  it('the size rows bracket the limit exactly', () => {
    expect(Buffer.byteLength(pushOfSize(BODY_LIMIT))).toBe(BODY_LIMIT);
    expect(Buffer.byteLength(pushOfSize(BODY_LIMIT + 1))).toBe(BODY_LIMIT + 1);
  });
});

describe('aliyun sms: templates', () => {
  const registry: TemplateRegistry = { templates: TEMPLATES, defaultTemplate: DEFAULT_TEMPLATE };
  const to = '+8613900020003';
  const rows: { label: string; message: AliyunOutboundRequest; registry?: TemplateRegistry; expected: { code: string; param: Record<string, string> } | { error: string } }[] = [
    { label: 'no kind: the default template carries the text', message: { to, text: '已入账 +2分' }, expected: { code: 'SMS_471065001', param: { content: '已入账 +2分' } } },
    { label: 'a kind without a template of its own: the default', message: { to, text: '您好', kind: 'binding_prompt' }, expected: { code: 'SMS_471065001', param: { content: '您好' } } },
    {
      label: 'a kind with its template and params: exactly its variables', message: { to, text: '已入账', kind: 'receipt', params: { item: '庭院卫生整洁', points: '2', balance: '14', extra: 'x' } },
      expected: { code: 'SMS_471065012', param: { item: '庭院卫生整洁', points: '2', balance: '14' } },
    },
    { label: 'a one-variable template of a kind takes the text', message: { to, text: '482913', kind: 'verification' }, expected: { code: 'SMS_471065020', param: { code: '482913' } } },
    { label: 'a template without variables is sent as approved', message: { to, text: '本周记得申报', kind: 'weekly_reminder' }, expected: { code: 'SMS_471065031', param: {} } },
    // Values belong to a kind's own template: a message that falls back to the default one is sent as its text.
    { label: 'the default template carries the text, whatever the values', message: { to, text: '您的申报已驳回', kind: 'claim_rejected', params: { item: '庭院卫生整洁' } }, expected: { code: 'SMS_471065001', param: { content: '您的申报已驳回' } } },
    { label: 'a kind named like an Object property is just unknown', message: { to, text: 'hi', kind: 'toString' }, expected: { code: 'SMS_471065001', param: { content: 'hi' } } },
    {
      label: 'params missing a variable', message: { to, text: '已入账', kind: 'receipt', params: { item: '庭院卫生整洁' } },
      expected: { error: 'template SMS_471065012 of kind "receipt" needs ${points}, ${balance}' },
    },
    {
      label: 'a template of several variables without params', message: { to, text: '已入账 +2分', kind: 'receipt' },
      expected: { error: 'template SMS_471065012 of kind "receipt" has 3 variables (item, points, balance): the message must give params' },
    },
    {
      label: 'no template for the kind and no default', message: { to, text: 'hi', kind: 'binding_prompt' }, registry: { templates: TEMPLATES },
      expected: { error: 'no approved Aliyun template for kind "binding_prompt": add it to ALIYUN_SMS_TEMPLATES or set ALIYUN_SMS_TEMPLATE_CODE' },
    },
    {
      label: 'no kind and no default', message: { to, text: 'hi' }, registry: { templates: {} },
      expected: { error: 'no approved Aliyun template for this message: add it to ALIYUN_SMS_TEMPLATES or set ALIYUN_SMS_TEMPLATE_CODE' },
    },
  ];
  for (const row of rows) it(row.label, () => {
    const fill = () => fillTemplate(row.registry ?? registry, row.message);
    if ('error' in row.expected) {
      expect(fill).toThrow(PermanentSendError);
      expect(fill).toThrow(row.expected.error);
    } else {
      expect(fill()).toEqual(row.expected);
    }
  });
});

describe('aliyun sms: settings', () => {
  it('reads the environment', () => {
    expect(aliyunSmsSettings({
      ALIYUN_SMS_ACCESS_KEY_ID: ` ${KEY_ID} `, ALIYUN_SMS_ACCESS_KEY_SECRET: KEY_SECRET, ALIYUN_SMS_SIGN_NAME: SIGN_NAME,
      ALIYUN_SMS_TEMPLATES: JSON.stringify({ receipt: { code: ' SMS_471065012 ', params: ['item', 'points'] }, weekly_reminder: { code: 'SMS_471065031' } }),
      ALIYUN_SMS_TEMPLATE_CODE: 'SMS_471065001', ALIYUN_SMS_TEMPLATE_PARAM: 'text', ALIYUN_SMS_PUSH_TOKEN: TOKEN, ALIYUN_SMS_ENDPOINT: 'http://127.0.0.1:9',
    })).toEqual({
      accessKeyId: KEY_ID, accessKeySecret: KEY_SECRET, signName: SIGN_NAME,
      templates: { receipt: { code: 'SMS_471065012', params: ['item', 'points'] }, weekly_reminder: { code: 'SMS_471065031', params: [] } },
      defaultTemplate: { code: 'SMS_471065001', params: ['text'] }, pushToken: TOKEN, endpoint: 'http://127.0.0.1:9',
    });
  });

  it('blank is unset; the default template\'s variable is content', () => {
    expect(aliyunSmsSettings({ ALIYUN_SMS_ACCESS_KEY_ID: ' ', ALIYUN_SMS_TEMPLATES: '', ALIYUN_SMS_TEMPLATE_CODE: 'SMS_1' })).toEqual({
      accessKeyId: undefined, accessKeySecret: undefined, signName: undefined, templates: {},
      defaultTemplate: { code: 'SMS_1', params: ['content'] }, pushToken: undefined, endpoint: undefined,
    });
  });

  const bad: [string, string, RegExp][] = [
    ['not JSON', '{receipt: SMS_1}', /ALIYUN_SMS_TEMPLATES must be JSON/],
    ['an array', '[]', /must be a JSON object from message kind to template/],
    ['a bare code', '{"receipt": "SMS_1"}', /"receipt" must be \{ "code": "SMS_…"/],
    ['no code', '{"receipt": {"params": ["a"]}}', /"receipt" must be \{ "code": "SMS_…"/],
    ['params not a list', '{"receipt": {"code": "SMS_1", "params": "item"}}', /"receipt".params must be a list of distinct variable names/],
    ['a blank variable', '{"receipt": {"code": "SMS_1", "params": ["item", " "]}}', /"receipt".params must be a list/],
    ['a variable twice', '{"receipt": {"code": "SMS_1", "params": ["item", "item"]}}', /"receipt".params must be a list of distinct/],
  ];
  for (const [label, raw, error] of bad) it(`refuses ALIYUN_SMS_TEMPLATES with ${label}`, () => {
    expect(() => parseTemplates(raw)).toThrow(error);
  });

  it('refuses an AccessKey without a signature, and an endpoint that is not a host or URL', () => {
    expect(() => aliyunSms({ ...SETTINGS, accessKeyId: KEY_ID, accessKeySecret: KEY_SECRET })).toThrow(/ALIYUN_SMS_SIGN_NAME must be set/);
    expect(() => aliyunSms({ ...SETTINGS, accessKeyId: KEY_ID, accessKeySecret: KEY_SECRET, signName: SIGN_NAME, endpoint: 'ftp://127.0.0.1/x' }))
      .toThrow(/ALIYUN_SMS_ENDPOINT must be a host or http\(s\):\/\/host\[:port\]/);
  });

  it('is the sms channel of provider aliyun, mounted at /channels/aliyun', () => {
    const adapter = aliyunSms(SETTINGS);
    expect({ provider: adapter.provider, channel: adapter.channel, prefix: adapter.prefix, media: adapter.capabilities.media, dryRun: adapter.dryRun })
      .toEqual({ provider: 'aliyun', channel: 'sms', prefix: 'aliyun', media: false, dryRun: true });
  });
});

describe('aliyun sms: sending through the SDK', () => {
  const fake = new FakeAliyun();
  const OUT: AliyunOutboundRequest = { to: '+8613900020003', text: '已入账：庭院卫生整洁 +2分，当前余额 14分' };
  const adapter = (settings: Partial<AliyunSmsSettings> = {}) =>
    aliyunSms({ ...SETTINGS, accessKeyId: KEY_ID, accessKeySecret: KEY_SECRET, signName: SIGN_NAME, endpoint: fake.url, timeoutMs: 1_000, ...settings });
  const json = (value: unknown, status?: number): FakeAliyunReply => ({ status, json: JSON.stringify(value) });

  beforeAll(async () => { await fake.start(); });
  afterAll(async () => { await fake.stop(); });
  beforeEach(() => fake.reset());

  it('sends the default template with the text as its variable, signed, and answers the BizId', async () => {
    const sent = adapter();
    expect(sent.dryRun).toBe(false);
    expect(await sent.send(OUT)).toEqual({ status: 'sent', providerId: '900619746936498440^1' });
    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request!.method).toBe('POST');
    expect(request!.action).toBe('SendSms');
    expect(request!.headers['x-acs-version']).toBe('2017-05-25');
    expect(request!.headers.authorization).toMatch(new RegExp(`^ACS3-HMAC-SHA256 Credential=${KEY_ID},SignedHeaders=.*,Signature=[0-9a-f]{64}$`));
    expect(request!.query).toEqual({
      PhoneNumbers: '+8613900020003', SignName: SIGN_NAME, TemplateCode: 'SMS_471065001', TemplateParam: JSON.stringify({ content: OUT.text }),
    });
  });

  it('the fixture\'s BizId is the providerId', async () => {
    fake.replyNext('SendSms', { json: fixture('send-sms-ok') });
    expect(await adapter().send(OUT)).toEqual({ status: 'sent', providerId: '900619746936498440^0' });
  });

  it('a kind with its own template sends its variables', async () => {
    await adapter().send({ ...OUT, kind: 'receipt', params: { item: '庭院卫生整洁', points: '2', balance: '14' } });
    expect(fake.requests[0]!.query.TemplateCode).toBe('SMS_471065012');
    expect(JSON.parse(fake.requests[0]!.query.TemplateParam!)).toEqual({ item: '庭院卫生整洁', points: '2', balance: '14' });
  });

  it('a template without variables sends no TemplateParam', async () => {
    await adapter().send({ ...OUT, kind: 'weekly_reminder' });
    expect(fake.requests[0]!.query).toEqual({ PhoneNumbers: '+8613900020003', SignName: SIGN_NAME, TemplateCode: 'SMS_471065031' });
  });

  it('a message no template can carry is refused for good without calling Aliyun', async () => {
    await expect(adapter({ defaultTemplate: undefined }).send(OUT)).rejects.toBeInstanceOf(PermanentSendError);
    await expect(adapter().send({ ...OUT, kind: 'receipt' })).rejects.toBeInstanceOf(PermanentSendError);
    expect(fake.requests).toEqual([]);
  });

  const answers: { label: string; reply: FakeAliyunReply; permanent: boolean; message: RegExp; settings?: Partial<AliyunSmsSettings> }[] = [
    { label: 'isv.MOBILE_NUMBER_ILLEGAL (the fixture)', reply: { json: fixture('send-sms-mobile-illegal') }, permanent: true, message: /isv\.MOBILE_NUMBER_ILLEGAL \(非法手机号\)/ },
    { label: 'isv.BLACK_KEY_CONTROL_LIMIT', reply: json({ Code: 'isv.BLACK_KEY_CONTROL_LIMIT', Message: '黑名单管控', RequestId: 'r1' }), permanent: true, message: /isv\.BLACK_KEY_CONTROL_LIMIT/ },
    { label: 'isv.TEMPLATE_MISSING_PARAMETERS', reply: json({ Code: 'isv.TEMPLATE_MISSING_PARAMETERS', Message: '模板缺少变量', RequestId: 'r2' }), permanent: true, message: /isv\.TEMPLATE_MISSING_PARAMETERS/ },
    { label: 'isv.SMS_CONTENT_ILLEGAL', reply: json({ Code: 'isv.SMS_CONTENT_ILLEGAL', Message: '短信内容包含禁止发送内容', RequestId: 'r3' }), permanent: true, message: /isv\.SMS_CONTENT_ILLEGAL/ },
    { label: 'isv.PARAM_LENGTH_LIMIT (a variable over 35 characters)', reply: json({ Code: 'isv.PARAM_LENGTH_LIMIT', Message: '参数超出长度限制', RequestId: 'r4' }), permanent: true, message: /isv\.PARAM_LENGTH_LIMIT/ },
    { label: 'isv.MOBILE_NUMBER_ILLEGAL with HTTP 400', reply: json({ Code: 'isv.MOBILE_NUMBER_ILLEGAL', Message: 'invalid', RequestId: 'r5' }, 400), permanent: true, message: /isv\.MOBILE_NUMBER_ILLEGAL/ },
    { label: 'isv.BUSINESS_LIMIT_CONTROL (the fixture)', reply: { json: fixture('send-sms-business-limit') }, permanent: false, message: /isv\.BUSINESS_LIMIT_CONTROL \(触发号码天级流控/ },
    { label: 'isv.AMOUNT_NOT_ENOUGH (top up and it goes)', reply: json({ Code: 'isv.AMOUNT_NOT_ENOUGH', Message: '账户余额不足', RequestId: 'r6' }), permanent: false, message: /isv\.AMOUNT_NOT_ENOUGH/ },
    { label: 'isv.DAY_LIMIT_CONTROL', reply: json({ Code: 'isv.DAY_LIMIT_CONTROL', Message: '触发日发送限额', RequestId: 'r7' }), permanent: false, message: /isv\.DAY_LIMIT_CONTROL/ },
    { label: 'isp.SYSTEM_ERROR', reply: json({ Code: 'isp.SYSTEM_ERROR', Message: 'isp.SYSTEM_ERROR', RequestId: 'r8' }), permanent: false, message: /isp\.SYSTEM_ERROR/ },
    { label: 'Throttling.User with HTTP 400', reply: json({ Code: 'Throttling.User', Message: 'Request was denied due to user flow control.', RequestId: 'r9' }, 400), permanent: false, message: /Throttling\.User/ },
    { label: 'HTTP 500', reply: json({ Code: 'InternalError', Message: 'The request processing has failed due to some unknown error.', RequestId: 'r10' }, 500), permanent: false, message: /InternalError/ },
    { label: 'HTTP 503', reply: json({ Code: 'ServiceUnavailable', Message: 'The request has failed due to a temporary failure of the server.', RequestId: 'r11' }, 503), permanent: false, message: /ServiceUnavailable/ },
    { label: 'HTTP 502 from a proxy, not JSON', reply: { status: 502, json: '<html><body>502 Bad Gateway</body></html>' }, permanent: false, message: /^Aliyun SendSms failed: / },
    { label: 'OK without a BizId', reply: json({ Code: 'OK', Message: 'OK', RequestId: 'r12' }), permanent: false, message: /OK without a BizId/ },
    { label: 'the connection dropped', reply: 'hang-up', permanent: false, message: /^Aliyun SendSms failed: / },
    { label: 'no answer within the timeout', reply: 'silent', settings: { timeoutMs: 200 }, permanent: false, message: /^Aliyun SendSms failed: / },
  ];
  for (const row of answers) it(`${row.label} → ${row.permanent ? 'PermanentSendError' : 'a retryable Error'}`, async () => {
    fake.replyNext('SendSms', row.reply);
    const error = await adapter(row.settings).send(OUT).then(() => undefined, (thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(Error);
    expect(error instanceof PermanentSendError).toBe(row.permanent);
    expect((error as Error).message).toMatch(row.message);
    // One call: the SDK does not retry on its own; the queue decides.
    expect(fake.on('SendSms')).toHaveLength(1);
  });

  it('without an AccessKey it is a dry run: nothing is sent, whatever the templates', async () => {
    for (const settings of [{ accessKeyId: undefined }, { accessKeySecret: undefined }, { accessKeyId: undefined, accessKeySecret: undefined, signName: undefined, templates: {}, defaultTemplate: undefined }]) {
      const dry = adapter(settings);
      expect(dry.dryRun).toBe(true);
      expect(dry.delivery).toBeUndefined();
      expect(await dry.send({ ...OUT, kind: 'receipt' })).toEqual({ status: 'dry_run' });
    }
    expect(fake.requests).toEqual([]);
  });

  it('QuerySendDetails: the Beijing day of the send, the number and the BizId; delivered', async () => {
    fake.replyNext('QuerySendDetails', { json: fixture('query-send-details') });
    // 17:30 UTC on the 11th is 01:30 on the 12th in Beijing.
    const status = await adapter().delivery!('+8613900020003', '900619746936498440^0', new Date('2026-03-11T17:30:00Z'));
    expect(status).toEqual({ status: 'delivered' });
    expect(fake.requests.map((request) => [request.action, request.query])).toEqual([[
      'QuerySendDetails', { PhoneNumber: '+8613900020003', BizId: '900619746936498440^0', SendDate: '20260312', PageSize: '10', CurrentPage: '1' },
    ]]);
  });

  const details = (sendStatus: number, errCode: string) =>
    fixture('query-send-details').replace('"SendStatus": 3', `"SendStatus": ${sendStatus}`).replace('"ErrCode": "DELIVERED"', `"ErrCode": "${errCode}"`);
  const polls: { label: string; reply: FakeAliyunReply; expected: unknown }[] = [
    { label: 'SendStatus 2: failed with the carrier\'s code', reply: { json: details(2, 'MK:0005') }, expected: { status: 'failed', error: 'MK:0005' } },
    { label: 'SendStatus 1: no report yet', reply: { json: details(1, '') }, expected: undefined },
    { label: 'no such message (yet)', reply: json({ Code: 'OK', Message: 'OK', RequestId: 'r', TotalCount: 0, SmsSendDetailDTOs: { SmsSendDetailDTO: [] } }), expected: undefined },
  ];
  for (const row of polls) it(`QuerySendDetails, ${row.label}`, async () => {
    fake.replyNext('QuerySendDetails', row.reply);
    expect(await adapter().delivery!('+8613900020003', '900619746936498440^0', new Date('2026-03-12T01:25:05Z'))).toEqual(row.expected);
  });

  it('QuerySendDetails refused or unreachable is an error', async () => {
    fake.replyNext('QuerySendDetails', json({ Code: 'isv.MOBILE_NUMBER_ILLEGAL', Message: '非法手机号', RequestId: 'r' }), 'hang-up');
    const sent = adapter();
    await expect(sent.delivery!('123', 'x', new Date())).rejects.toBeInstanceOf(PermanentSendError);
    await expect(sent.delivery!('+8613900020003', 'x', new Date())).rejects.toThrow(/^Aliyun QuerySendDetails failed: /);
  });
});
