import type { NormalizedInbound } from '../channels/types.ts';

/**
 * What PostgreSQL can store of text a provider sent: text and jsonb hold no NUL, and jsonb refuses a
 * lone UTF-16 surrogate (`"\ud800"`, valid JSON text, no character). Both are cleaned, never a 500.
 */
export function storableText(text: string): string {
  return text.replaceAll('\u0000', '').replace(LONE_SURROGATE, '\uFFFD');
}

/** A high surrogate not followed by a low one, or a low one not after a high one (String#toWellFormed, before ES2024 types). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Deepest nesting a provider's JSON may have: theirs is two or three levels; jsonb and recursion stop far deeper. */
export const MAX_JSON_DEPTH = 32;

/** Strings (and keys) of a JSON value made storable; nesting beyond MAX_JSON_DEPTH becomes null. */
export function storableJson(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return storableText(value);
  if (!value || typeof value !== 'object') return value;
  if (depth >= MAX_JSON_DEPTH) return null;
  if (Array.isArray(value)) return value.map((item) => storableJson(item, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [storableText(key), storableJson(inner, depth + 1)]));
}

/** How deeply a JSON text nests arrays and objects, read without parsing it (no recursion, any depth). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') {
      inString = true;
    } else if (ch === '[' || ch === '{') {
      deepest = Math.max(deepest, ++depth);
    } else if (ch === ']' || ch === '}') {
      depth--;
    }
  }
  return deepest;
}

const EARLIEST = Date.UTC(2000, 0, 1);
/** A provider's clock may run a little ahead of ours. */
const AHEAD_MS = 5 * 60_000;

/**
 * A provider's time of a message when it is one (a date from 2000 to a few minutes from now), else
 * `now`: 0000-01-01 and +275760-09-13 are no times an SMS was received, and PostgreSQL may refuse them.
 */
export function plausibleTime(at: Date | undefined, now: Date): Date {
  const time = at?.getTime();
  return time !== undefined && Number.isFinite(time) && time >= EARLIEST && time <= now.getTime() + AHEAD_MS ? at! : now;
}

/**
 * The message as PostgreSQL can hold it, whatever a provider sent: no NUL, no lone surrogate, a real
 * time. Applied once, in acceptInbound, which every channel (and the API) stores its messages through.
 */
export function storableInbound(message: NormalizedInbound, now = new Date()): NormalizedInbound {
  return {
    ...message,
    externalId: storableText(message.externalId),
    sender: storableText(message.sender),
    recipient: message.recipient === undefined ? undefined : storableText(message.recipient),
    text: storableText(message.text),
    attachments: storableJson(message.attachments) as NormalizedInbound['attachments'],
    receivedAt: plausibleTime(message.receivedAt, now),
    raw: storableJson(message.raw) as Record<string, unknown>,
  };
}
