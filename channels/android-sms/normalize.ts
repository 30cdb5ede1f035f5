import { jsonDepth, MAX_JSON_DEPTH, plausibleTime } from '../../src/storable.ts';
import { chinaPhone } from '../phone.ts';
import type { DeliveryStatus, NormalizedInbound } from '../types.ts';

/** The webhook is not what the gateway sends: answered 400. */
export class PayloadError extends Error {}

/** A webhook of the SMS Gateway for Android: `{ deviceId, event, id, payload, webhookId }`. */
export interface GatewayEvent {
  event: string;
  id?: string;
  payload: Record<string, unknown>;
  [field: string]: unknown;
}

export function parseEvent(body: string): GatewayEvent {
  if (!body.trim()) throw new PayloadError('empty body: expected a JSON webhook');
  if (jsonDepth(body) > MAX_JSON_DEPTH) throw new PayloadError(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new PayloadError('malformed JSON');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new PayloadError('expected a JSON object');
  const { event, payload } = parsed as { event?: unknown; payload?: unknown };
  if (typeof event !== 'string' || event.trim() === '') throw new PayloadError('event is missing');
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) throw new PayloadError('payload is missing');
  return parsed as GatewayEvent;
}

function text(fields: Record<string, unknown>, name: string): string | undefined {
  const value = fields[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/**
 * `sms:received` → a normalized inbound SMS. The app's messageId is a 32-bit hash of the message
 * and "not guaranteed to be unique": with the time it was received it is, and it stays the same
 * on every retry of the webhook (and for a second webhook registered for the same event).
 */
export function normalizeReceived(event: GatewayEvent, now = new Date()): NormalizedInbound {
  const { payload } = event;
  const message = payload.message;
  if (typeof message !== 'string') throw new PayloadError('payload.message is missing');
  // `phoneNumber` (deprecated in newer apps) or `sender`.
  const from = text(payload, 'sender') ?? text(payload, 'phoneNumber');
  if (!from) throw new PayloadError('payload.phoneNumber is missing');
  const messageId = text(payload, 'messageId');
  const receivedAtText = text(payload, 'receivedAt');
  const eventId = text(event, 'id');
  const externalId = messageId
    ? `android-sms:${messageId}${receivedAtText ? `@${receivedAtText}` : ''}`
    : eventId && `android-sms:event:${eventId}`;
  if (!externalId) throw new PayloadError('payload.messageId is missing (and no id to stand in for it)');
  const receivedAt = receivedAtText ? new Date(receivedAtText) : undefined;
  const recipient = text(payload, 'recipient');
  return {
    channel: 'sms',
    externalId,
    sender: chinaPhone(from),
    recipient: recipient ? chinaPhone(recipient) : undefined,
    text: message,
    attachments: [],
    receivedAt: plausibleTime(receivedAt, now),
    raw: { ...event },
  };
}

const DELIVERY: Record<string, DeliveryStatus> = { 'sms:sent': 'sent', 'sms:delivered': 'delivered', 'sms:failed': 'failed' };

export const isDeliveryEvent = (event: string) => Object.hasOwn(DELIVERY, event);

/** `sms:sent`, `sms:delivered`, `sms:failed` → the status of the message the gateway answered messageId for. */
export function deliveryOf(event: GatewayEvent): { providerId: string; status: DeliveryStatus; error?: string } {
  const providerId = text(event.payload, 'messageId');
  if (!providerId) throw new PayloadError('payload.messageId is missing');
  const status = DELIVERY[event.event]!;
  if (status !== 'failed') return { providerId, status };
  // The app says `reason`; the client package's types say `error`.
  return { providerId, status, error: text(event.payload, 'reason') ?? text(event.payload, 'error') ?? 'failed' };
}
