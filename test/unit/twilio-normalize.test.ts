import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeSms, normalizeStatus, PayloadError, type TwilioForm } from '../../channels/twilio/normalize.ts';
import type { DeliveryStatus, NormalizedInbound } from '../../channels/types.ts';

/** A payload exactly as Twilio posts it (test/fixtures/twilio/<name>.json). */
function fixture(name: string): Record<string, string> {
  return JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../fixtures/twilio', `${name}.json`), 'utf8')) as Record<string, string>;
}

function without(form: Record<string, string>, ...keys: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(form).filter(([key]) => !keys.includes(key)));
}

const RECEIVED_AT = new Date('2026-03-12T06:05:00.000Z');
const MMS_BASE = 'https://api.twilio.com/2010-04-01/Accounts/AC3933dc8a635ed33aa040a0cd8b56fea3/Messages/MM3bfb30c792f136f1217a1d4f1c4b6a81/Media';
const LONG_TEXT = '积分制让村里更干净'.repeat(556).slice(0, 5000);

/** Twilio allows at most 10 media per MMS; a payload claiming 12 keeps the first 10. */
const twelveMedia: Record<string, string> = { ...fixture('mms-two-media'), NumMedia: '12' };
for (let i = 0; i < 12; i++) {
  twelveMedia[`MediaUrl${i}`] = `${MMS_BASE}/ME${String(i).padStart(32, '0')}`;
  twelveMedia[`MediaContentType${i}`] = 'image/jpeg';
}

type SmsExpectation = Omit<NormalizedInbound, 'raw' | 'receivedAt'>;

interface SmsRow {
  label: string;
  form: Record<string, string>;
  expected: SmsExpectation | { error: string };
}

const smsRows: SmsRow[] = [
  {
    label: 'plain Chinese SMS from a registered villager',
    form: fixture('sms-chinese'),
    expected: { channel: 'sms', externalId: 'SM32728b9c8af1e34a2f7929dd07bef0c9', sender: '+8613900020003', text: '今天把院坝扫干净了', attachments: [] },
  },
  {
    label: 'MMS with two media keeps both, in order, with their content types',
    form: fixture('mms-two-media'),
    expected: {
      channel: 'sms', externalId: 'MM3bfb30c792f136f1217a1d4f1c4b6a81', sender: '+8613900020003', text: '垃圾分类，照片两张',
      attachments: [
        { url: `${MMS_BASE}/ME1c9602a9b83cf5a4289918bddceb6c4d`, contentType: 'image/jpeg' },
        { url: `${MMS_BASE}/MEbd110058f73cdaef43be71807d17529d`, contentType: 'image/png' },
      ],
    },
  },
  {
    label: 'emoji-only body is kept as is (astral code points)',
    form: fixture('sms-emoji'),
    expected: { channel: 'sms', externalId: 'SMcf52497622b796c1efdf11a2f9484eaf', sender: '+8613900020003', text: '👍🧹🏡✨', attachments: [] },
  },
  {
    label: 'empty body becomes empty text',
    form: fixture('sms-empty-body'),
    expected: { channel: 'sms', externalId: 'SM06c85e47ee899532505e089c41228955', sender: '+8613900020003', text: '', attachments: [] },
  },
  {
    label: 'no Body field at all becomes empty text',
    form: without(fixture('sms-empty-body'), 'Body'),
    expected: { channel: 'sms', externalId: 'SM06c85e47ee899532505e089c41228955', sender: '+8613900020003', text: '', attachments: [] },
  },
  {
    label: 'a 5,000-character Chinese body is kept whole',
    form: { ...fixture('sms-chinese'), Body: LONG_TEXT, NumSegments: '75' },
    expected: { channel: 'sms', externalId: 'SM32728b9c8af1e34a2f7929dd07bef0c9', sender: '+8613900020003', text: LONG_TEXT, attachments: [] },
  },
  {
    label: 'form-encoding specials (+ & = % ? newline) survive',
    form: fixture('sms-special-characters'),
    expected: {
      channel: 'sms', externalId: 'SMf12eb9578b4f529763b1afc2eae8bc1d', sender: '+8613900020002',
      text: '扫院坝 +2分 & 捡垃圾 100% = 好?\n第二行；a=b&c', attachments: [],
    },
  },
  {
    label: 'legacy (2008-08-01) payload with SmsSid only uses SmsSid',
    form: fixture('sms-legacy-smssid-only'),
    expected: { channel: 'sms', externalId: 'SM3aed25fbc10b08a614c1acce9f100bf7', sender: '+8613900020002', text: '旧版接口的短信', attachments: [] },
  },
  {
    label: 'MessageSid wins over a different SmsSid',
    form: { ...fixture('sms-chinese'), SmsSid: 'SM00000000000000000000000000000000' },
    expected: { channel: 'sms', externalId: 'SM32728b9c8af1e34a2f7929dd07bef0c9', sender: '+8613900020003', text: '今天把院坝扫干净了', attachments: [] },
  },
  {
    label: 'From padded with whitespace is trimmed',
    form: { ...fixture('sms-chinese'), From: ' +8613900020003 ' },
    expected: { channel: 'sms', externalId: 'SM32728b9c8af1e34a2f7929dd07bef0c9', sender: '+8613900020003', text: '今天把院坝扫干净了', attachments: [] },
  },
  {
    label: 'NumMedia=2 with only MediaUrl0 present keeps the one that exists',
    form: without(fixture('mms-two-media'), 'MediaUrl1', 'MediaContentType1'),
    expected: {
      channel: 'sms', externalId: 'MM3bfb30c792f136f1217a1d4f1c4b6a81', sender: '+8613900020003', text: '垃圾分类，照片两张',
      attachments: [{ url: `${MMS_BASE}/ME1c9602a9b83cf5a4289918bddceb6c4d`, contentType: 'image/jpeg' }],
    },
  },
  {
    label: 'media without MediaContentType has no content type',
    form: without(fixture('mms-two-media'), 'MediaContentType0', 'MediaContentType1'),
    expected: {
      channel: 'sms', externalId: 'MM3bfb30c792f136f1217a1d4f1c4b6a81', sender: '+8613900020003', text: '垃圾分类，照片两张',
      attachments: [{ url: `${MMS_BASE}/ME1c9602a9b83cf5a4289918bddceb6c4d` }, { url: `${MMS_BASE}/MEbd110058f73cdaef43be71807d17529d` }],
    },
  },
  {
    label: 'NumMedia=0 ignores stray MediaUrl fields',
    form: { ...fixture('mms-two-media'), NumMedia: '0' },
    expected: { channel: 'sms', externalId: 'MM3bfb30c792f136f1217a1d4f1c4b6a81', sender: '+8613900020003', text: '垃圾分类，照片两张', attachments: [] },
  },
  {
    label: 'NumMedia that is not a number means no media',
    form: { ...fixture('mms-two-media'), NumMedia: 'two' },
    expected: { channel: 'sms', externalId: 'MM3bfb30c792f136f1217a1d4f1c4b6a81', sender: '+8613900020003', text: '垃圾分类，照片两张', attachments: [] },
  },
  {
    label: 'NumMedia above Twilio\'s maximum of 10 is capped at 10',
    form: twelveMedia,
    expected: {
      channel: 'sms', externalId: 'MM3bfb30c792f136f1217a1d4f1c4b6a81', sender: '+8613900020003', text: '垃圾分类，照片两张',
      attachments: Array.from({ length: 10 }, (_, i) => ({ url: `${MMS_BASE}/ME${String(i).padStart(32, '0')}`, contentType: 'image/jpeg' })),
    },
  },
  { label: 'missing From is refused', form: fixture('sms-missing-from'), expected: { error: 'From is missing' } },
  { label: 'empty From is refused', form: { ...fixture('sms-chinese'), From: '' }, expected: { error: 'From is missing' } },
  { label: 'whitespace-only From is refused', form: { ...fixture('sms-chinese'), From: '   ' }, expected: { error: 'From is missing' } },
  { label: 'missing MessageSid (and SmsSid) is refused', form: fixture('sms-missing-message-sid'), expected: { error: 'MessageSid is missing' } },
  {
    label: 'missing both MessageSid and From reports MessageSid first',
    form: without(fixture('sms-chinese'), 'MessageSid', 'SmsSid', 'SmsMessageSid', 'From'),
    expected: { error: 'MessageSid is missing' },
  },
];

describe('normalizeSms', () => {
  for (const { label, form, expected } of smsRows) it(label, () => {
    const posted = structuredClone(form);
    if ('error' in expected) {
      expect(() => normalizeSms(form, RECEIVED_AT)).toThrow(PayloadError);
      expect(() => normalizeSms(form, RECEIVED_AT)).toThrow(expected.error);
      return;
    }
    const normalized = normalizeSms(form, RECEIVED_AT);
    expect(normalized).toEqual({ ...expected, recipient: posted.To, receivedAt: RECEIVED_AT, raw: posted });
    // raw is a copy of the whole form, not the form object itself
    expect(normalized.raw).not.toBe(form);
    expect(form).toEqual(posted);
  });

  it('keeps the number the villager wrote to, so answers go out from it', () => {
    expect(normalizeSms(fixture('sms-chinese')).recipient).toBe('+8613900009999');
    expect(normalizeSms(without(fixture('sms-chinese'), 'To')).recipient).toBeUndefined();
  });

  it('stamps the receive time as now when none is given', () => {
    const before = Date.now();
    const { receivedAt } = normalizeSms(fixture('sms-chinese'));
    expect(receivedAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(receivedAt.getTime()).toBeLessThanOrEqual(Date.now());
  });

  it('the 5,000-character row really is 5,000 characters', () => {
    expect([...LONG_TEXT]).toHaveLength(5000);
  });
});

interface StatusRow {
  label: string;
  form: TwilioForm;
  expected: { providerId: string; status: DeliveryStatus; error?: string } | undefined | { throws: string };
}

const OUT_SID = 'SM96e7f3e4890b081dfa112237b08c08f5';

const statusRows: StatusRow[] = [
  { label: 'queued is an interim state: nothing to record', form: fixture('status-queued'), expected: undefined },
  { label: 'sending is an interim state', form: { ...fixture('status-queued'), MessageStatus: 'sending', SmsStatus: 'sending' }, expected: undefined },
  { label: 'accepted (messaging service) is an interim state', form: { ...fixture('status-queued'), MessageStatus: 'accepted', SmsStatus: 'accepted' }, expected: undefined },
  { label: 'an unknown status (read) is ignored', form: { ...fixture('status-delivered'), MessageStatus: 'read', SmsStatus: 'read' }, expected: undefined },
  { label: 'sent', form: fixture('status-sent'), expected: { providerId: OUT_SID, status: 'sent', error: undefined } },
  { label: 'delivered', form: fixture('status-delivered'), expected: { providerId: OUT_SID, status: 'delivered', error: undefined } },
  {
    label: 'undelivered with ErrorCode 30003 (unreachable handset) is failed with the code',
    form: fixture('status-undelivered-30003'),
    expected: { providerId: 'SMc7f517dc694302a46ea8f2594afd4060', status: 'failed', error: 'Twilio error 30003' },
  },
  {
    label: 'failed with ErrorCode 30008 is failed with the code',
    form: fixture('status-failed-30008'),
    expected: { providerId: 'SM6a6c1a7afe3b8c42f861d3b5325f8a97', status: 'failed', error: 'Twilio error 30008' },
  },
  {
    label: 'undelivered without an ErrorCode is failed without error text',
    form: without(fixture('status-undelivered-30003'), 'ErrorCode'),
    expected: { providerId: 'SMc7f517dc694302a46ea8f2594afd4060', status: 'failed', error: undefined },
  },
  {
    label: 'legacy callback with SmsSid/SmsStatus only',
    form: without(fixture('status-delivered'), 'MessageSid', 'MessageStatus'),
    expected: { providerId: OUT_SID, status: 'delivered', error: undefined },
  },
  {
    label: 'MessageStatus wins over SmsStatus',
    form: { ...fixture('status-delivered'), SmsStatus: 'sent' },
    expected: { providerId: OUT_SID, status: 'delivered', error: undefined },
  },
  { label: 'missing MessageSid is refused', form: without(fixture('status-delivered'), 'MessageSid', 'SmsSid'), expected: { throws: 'MessageSid is missing' } },
  {
    label: 'missing MessageSid is refused even for an interim status',
    form: without(fixture('status-queued'), 'MessageSid', 'SmsSid'),
    expected: { throws: 'MessageSid is missing' },
  },
];

describe('normalizeStatus', () => {
  for (const { label, form, expected } of statusRows) it(label, () => {
    if (expected && 'throws' in expected) {
      expect(() => normalizeStatus(form)).toThrow(PayloadError);
      expect(() => normalizeStatus(form)).toThrow(expected.throws);
      return;
    }
    const update = normalizeStatus(form);
    expect(update).toStrictEqual(expected);
  });
});
