import type { Attachment } from '../../src/db/schema/messages.ts';
import type { DeliveryStatus, NormalizedInbound } from '../types.ts';

export type TwilioForm = Record<string, string | undefined>;

export class PayloadError extends Error {}

/**
 * A posted form as Twilio means it: one text per field. A field given twice (Body=a&Body=b, parsed
 * as an array) keeps its first value. (What PostgreSQL cannot store is cleaned where every channel
 * hands its messages and reports to jifen: src/messages/host.ts.)
 */
export function twilioForm(body: unknown): TwilioForm {
  if (!body || typeof body !== 'object') return {};
  return Object.fromEntries(Object.entries(body).map(([key, value]) => {
    const first: unknown = Array.isArray(value) ? value[0] : value;
    return [key, typeof first === 'string' ? first : undefined];
  }));
}

/** Twilio's Messaging webhook form → one normalized inbound SMS. */
export function normalizeSms(posted: unknown, receivedAt = new Date()): NormalizedInbound {
  const form = twilioForm(posted);
  const externalId = form.MessageSid ?? form.SmsSid;
  const sender = form.From?.trim();
  if (!externalId) throw new PayloadError('MessageSid is missing');
  if (!sender) throw new PayloadError('From is missing');
  const mediaCount = Math.min(Number(form.NumMedia ?? 0) || 0, 10);
  const attachments: Attachment[] = [];
  for (let i = 0; i < mediaCount; i++) {
    const url = form[`MediaUrl${i}`];
    if (url) attachments.push({ url, contentType: form[`MediaContentType${i}`] });
  }
  const recipient = form.To?.trim() || undefined;
  return { channel: 'sms', externalId, sender, recipient, text: form.Body ?? '', attachments, receivedAt, raw: { ...form } };
}

const STATUS: Record<string, DeliveryStatus> = {
  sent: 'sent', delivered: 'delivered', undelivered: 'failed', failed: 'failed',
};

/** Twilio's status callback → the delivery status jifen tracks, or undefined for interim states (queued, sending). */
export function normalizeStatus(posted: unknown): { providerId: string; status: DeliveryStatus; error?: string } | undefined {
  const form = twilioForm(posted);
  const providerId = form.MessageSid ?? form.SmsSid;
  const status = STATUS[form.MessageStatus ?? form.SmsStatus ?? ''];
  if (!providerId) throw new PayloadError('MessageSid is missing');
  if (!status) return undefined;
  return { providerId, status, error: form.ErrorCode ? `Twilio error ${form.ErrorCode}` : undefined };
}
