import { createHash } from 'node:crypto';
import type { NormalizedInbound } from '../types.ts';
import { PayloadError, type TwilioForm } from './normalize.ts';

/** The caller of a Voice webhook (From), required wherever jifen looks the caller up. */
export function callerOf(form: TwilioForm): string {
  const sender = form.From?.trim();
  if (!sender) throw new PayloadError('From is missing');
  return sender;
}

/** What the caller said, as Twilio's speech recognition heard it; '' when nothing usable was heard. */
export function speechOf(form: TwilioForm): string {
  return form.SpeechResult?.trim() ?? '';
}

/** A short, stable fingerprint of the words: one call may confirm several different claims. */
export const saidHash = (said: string) => createHash('sha256').update(said, 'utf8').digest('hex').slice(0, 12);

/**
 * A confirmed spoken claim → one normalized inbound message. The id is the call plus the words, so the
 * same confirmation delivered twice is one message and a second, different claim in the call is another.
 */
export function normalizeConfirmedCall(form: TwilioForm, said: string, receivedAt = new Date()): NormalizedInbound {
  const callSid = form.CallSid?.trim();
  if (!callSid) throw new PayloadError('CallSid is missing');
  const sender = callerOf(form);
  const text = said.trim();
  if (!text) throw new PayloadError('said is missing');
  return {
    channel: 'voice',
    externalId: `${callSid}:${saidHash(text)}`,
    sender,
    recipient: form.To?.trim() || undefined,
    text,
    attachments: [],
    receivedAt,
    raw: { ...form, said: text },
  };
}
