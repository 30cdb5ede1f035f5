import { describe, expect, it } from 'vitest';
import type { NormalizedInbound } from '../../channels/types.ts';
import { decodeSpool, encodeSpooled } from '../../src/messages/spool-file.ts';

const at = new Date('2026-12-03T08:15:30.123Z');
const message = (externalId: string, extra: Partial<NormalizedInbound> = {}): NormalizedInbound => ({
  channel: 'sms', externalId, sender: '+8613900020003', recipient: '+8613900009999', text: '今天把院坝扫干净了',
  attachments: [], receivedAt: at, raw: { MessageSid: externalId, Body: '今天把院坝扫干净了' }, ...extra,
});

describe('inbound spool file: one JSON line per message', () => {
  it('writes one line, ending in a newline, that reads back as the same message', () => {
    const line = encodeSpooled(message('SM1'), at);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(decodeSpool(line)).toEqual({ records: [{ spooledAt: at, message: message('SM1') }], corrupt: [] });
  });

  it('keeps what a provider sent whole: newlines, emoji, attachments, no recipient, nested raw', () => {
    const tricky = message('SM2', {
      text: '第一行\n第二行 😀 "引号" \\ 反斜杠', recipient: undefined,
      attachments: [{ url: 'https://api.twilio.com/media/ME1', contentType: 'image/jpeg' }], raw: { nested: { a: [1, 'b', null] } },
    });
    const { records, corrupt } = decodeSpool(encodeSpooled(tricky, at));
    expect(corrupt).toEqual([]);
    expect(records[0]!.message).toEqual(tricky);
  });

  it('reads several lines in order and skips blank ones', () => {
    const text = encodeSpooled(message('SM1'), at) + '\n' + encodeSpooled(message('SM2'), at);
    expect(decodeSpool(text).records.map((r) => r.message.externalId)).toEqual(['SM1', 'SM2']);
  });

  it('skips and reports a torn last line (a crash mid-write), keeping every whole line before it', () => {
    const whole = encodeSpooled(message('SM1'), at) + encodeSpooled(message('SM2'), at);
    const torn = encodeSpooled(message('SM3'), at).slice(0, 40);
    const { records, corrupt } = decodeSpool(whole + torn);
    expect(records.map((r) => r.message.externalId)).toEqual(['SM1', 'SM2']);
    expect(corrupt).toEqual([{ line: 3, text: torn, reason: expect.any(String) }]);
  });

  it('takes a last line that lost only its newline', () => {
    expect(decodeSpool(encodeSpooled(message('SM1'), at).trimEnd()).records).toHaveLength(1);
  });

  it.each([
    ['not JSON', 'garbage'],
    ['another version', JSON.stringify({ v: 2, spooledAt: at, message: message('SM1') })],
    ['no provider id', JSON.stringify({ v: 1, spooledAt: at, message: message('') })],
    ['no text', JSON.stringify({ v: 1, spooledAt: at, message: { ...message('SM1'), text: undefined } })],
    ['an impossible time', JSON.stringify({ v: 1, spooledAt: at, message: { ...message('SM1'), receivedAt: '2026-99-99' } })],
    ['raw not an object', JSON.stringify({ v: 1, spooledAt: at, message: { ...message('SM1'), raw: 'x' } })],
    ['a JSON array', '[1,2]'],
  ])('reports a line that is not a whole message: %s', (_label, line) => {
    const { records, corrupt } = decodeSpool(`${line}\n${encodeSpooled(message('SM9'), at)}`);
    expect(corrupt).toEqual([{ line: 1, text: line, reason: expect.any(String) }]);
    expect(records.map((r) => r.message.externalId)).toEqual(['SM9']);
  });
});
