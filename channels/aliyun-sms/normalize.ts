import { jsonDepth, MAX_JSON_DEPTH, plausibleTime } from '../../src/storable.ts';
import { chinaPhone } from '../phone.ts';
import type { DeliveryStatus, NormalizedInbound } from '../types.ts';

/** The push is not what Aliyun sends: answered 400. */
export class PayloadError extends Error {}

type Item = Record<string, unknown>;

/**
 * A push body: a JSON array of objects (one push may carry several messages or reports).
 * sequence_id may come as a JSON number: long ones are read as text so no digit is lost.
 */
export function parsePush(body: string | undefined): Item[] {
  if (!body?.trim()) throw new PayloadError('empty body: expected a JSON array');
  if (jsonDepth(body) > MAX_JSON_DEPTH) throw new PayloadError(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.replace(/("sequence_id"\s*:\s*)(-?\d{16,})(?=\s*[,}])/g, '$1"$2"'));
  } catch {
    throw new PayloadError('malformed JSON');
  }
  if (!Array.isArray(parsed)) throw new PayloadError('expected a JSON array');
  if (parsed.length === 0) throw new PayloadError('an empty array');
  return parsed as Item[];
}

function objectItem(item: unknown, index: number): asserts item is Item {
  if (!item || typeof item !== 'object' || Array.isArray(item)) throw new PayloadError(`item ${index} is not an object`);
}

/** A text field, or a number Aliyun may send for it, as text; undefined when absent or blank. */
function text(item: Item, name: string): string | undefined {
  const value = item[name];
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function required(item: Item, index: number, name: string): string {
  const value = text(item, name);
  if (value === undefined) throw new PayloadError(`item ${index}: ${name} is missing`);
  return value;
}

/** Aliyun's times are Beijing time without a zone: `2017-09-01 00:00:00` (older pushes: `20170901000000`). */
export function beijingTime(raw: string | undefined): Date | undefined {
  const parts = raw && /^(\d{4})-?(\d{2})-?(\d{2})[ T]?(\d{2}):?(\d{2}):?(\d{2})$/.exec(raw.trim());
  if (!parts) return undefined;
  const [, year, month, day, hour, minute, second] = parts;
  const at = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}+08:00`);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

/**
 * One uplink message (SmsUp: a villager's reply) → a normalized inbound SMS. The externalId is
 * Aliyun's sequence_id (prefixed: ids of other SMS providers share the channel).
 */
export function normalizeUp(item: Item, index: number, now = new Date()): NormalizedInbound {
  objectItem(item, index);
  const sequenceId = required(item, index, 'sequence_id');
  const phone = required(item, index, 'phone_number');
  const content = item.content;
  if (typeof content !== 'string') throw new PayloadError(`item ${index}: content is missing`);
  return {
    channel: 'sms',
    externalId: `aliyun:${sequenceId}`,
    sender: chinaPhone(phone),
    text: content,
    attachments: [],
    receivedAt: plausibleTime(beijingTime(text(item, 'send_time')), now),
    raw: { ...item },
  };
}

export interface DeliveryReport {
  providerId: string;
  status: DeliveryStatus;
  error?: string;
}

/** `success` is a JSON boolean; "true"/"false" as text is read too. */
function success(item: Item, index: number): boolean {
  const value = item.success;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new PayloadError(`item ${index}: success is missing`);
}

/** One delivery report (SmsReport) → the delivery status of the message SendSms answered biz_id for. */
export function normalizeReport(item: Item, index: number): DeliveryReport {
  objectItem(item, index);
  const providerId = required(item, index, 'biz_id');
  if (success(item, index)) return { providerId, status: 'delivered' };
  const code = text(item, 'err_code');
  const message = text(item, 'err_msg');
  return { providerId, status: 'failed', error: code ? `${code}${message ? ` (${message})` : ''}` : message ?? 'not delivered' };
}
