import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { jsonDepth, MAX_JSON_DEPTH } from '../../src/storable.ts';
import { staleProblem } from '../replay-window.ts';
import type { ChannelAdapter, ChannelHost, NormalizedInbound } from '../types.ts';
import type { TranscriptSettings } from './settings.ts';

export { transcriptSettings, type TranscriptSettings } from './settings.ts';

/** One call's transcript is a few kB; 64 kB is far more than a long call holds. */
export const BODY_LIMIT = 64 * 1024;
export const SIGNATURE_HEADER = 'x-jifen-signature';

/**
 * Prefixes the call id in the stored external id: transcripts share the voice channel with Twilio
 * Voice (whose ids are CallSids), and a call centre's id must never pass for one of those.
 */
export const EXTERNAL_ID_PREFIX = 'transcript:';

/** The posted transcript is unusable; the message says why (a 400). */
export class TranscriptError extends Error {}

/** `sha256=<hex>` over the exact bytes received, compared in constant time. */
export function signatureMatches(secret: string, body: Buffer, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string') return false;
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header.trim());
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(Buffer.from(match[1]!, 'hex'), expected);
}

const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):?(\d{2}))$/i;

/** An ISO 8601 date and time with a zone (Z or an offset) that exists on the calendar, else undefined. */
export function parseTimestamp(value: string): Date | undefined {
  const match = ISO_8601.exec(value.trim());
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second = '0', , offsetHours = '0', offsetMinutes = '0'] = match;
  const daysInMonth = new Date(Date.UTC(Number(year), Number(month), 0)).getUTCDate();
  const fits = Number(month) >= 1 && Number(month) <= 12 && Number(day) >= 1 && Number(day) <= daysInMonth
    && Number(hour) <= 23 && Number(minute) <= 59 && Number(second) <= 59 && Number(offsetHours) <= 23 && Number(offsetMinutes) <= 59;
  const time = Date.parse(value.trim());
  return fits && Number.isFinite(time) ? new Date(time) : undefined;
}

function field(body: Record<string, unknown>, name: string, maxLength: number): string {
  const value = body[name];
  if (value === undefined || value === null) throw new TranscriptError(`${name} is missing`);
  if (typeof value !== 'string') throw new TranscriptError(`${name} must be a string`);
  const trimmed = value.trim();
  if (!trimmed) throw new TranscriptError(`${name} is empty`);
  if (trimmed.length > maxLength) throw new TranscriptError(`${name} is longer than ${maxLength} characters`);
  return trimmed;
}

/**
 * A transcript `{ caller, text, callId, timestamp }` → one normalized inbound voice message, or a
 * TranscriptError. The call's own time is when the claim was made (it decides the cap's period); it
 * is signed with the body, so it is also the replay window: more than five minutes from jifen's clock is refused.
 */
export function normalizeTranscript(rawBody: Buffer, now = new Date()): NormalizedInbound {
  const json = rawBody.toString('utf8');
  if (jsonDepth(json) > MAX_JSON_DEPTH) throw new TranscriptError(`body is nested deeper than ${MAX_JSON_DEPTH} levels`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new TranscriptError('body is not valid JSON');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new TranscriptError('body must be a JSON object');
  const body = parsed as Record<string, unknown>;
  const caller = field(body, 'caller', 64);
  const text = field(body, 'text', BODY_LIMIT);
  const callId = field(body, 'callId', 200);
  const timestamp = field(body, 'timestamp', 64);
  const at = parseTimestamp(timestamp);
  if (!at) throw new TranscriptError('timestamp must be an ISO 8601 date and time with a zone, e.g. 2026-03-12T14:05:00+08:00');
  const stale = staleProblem(at.getTime(), now.getTime(), 'timestamp');
  if (stale) throw new TranscriptError(stale);
  return {
    channel: 'voice',
    externalId: `${EXTERNAL_ID_PREFIX}${callId}`,
    sender: caller,
    text,
    attachments: [],
    receivedAt: at.getTime() > now.getTime() ? now : at,
    raw: body,
  };
}

function routes(settings: TranscriptSettings): FastifyPluginAsync<{ host: ChannelHost }> {
  const now = settings.now ?? Date.now;
  return async (app, { host }) => {
    // JSON only, kept as the bytes received: the signature covers them, not a re-serialization.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_request, body, done) => done(null, body));

    app.post('/', { bodyLimit: BODY_LIMIT }, async (request, reply) => {
      const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      if (!settings.secret) {
        request.log.warn('transcript refused: JIFEN_TRANSCRIPT_SECRET is not set');
        return reply.code(403).send({ error: 'transcript feed is not configured' });
      }
      if (!signatureMatches(settings.secret, rawBody, request.headers[SIGNATURE_HEADER])) {
        request.log.warn('transcript with a missing or bad X-Jifen-Signature');
        return reply.code(403).send({ error: 'invalid signature' });
      }
      let message: NormalizedInbound;
      try {
        message = normalizeTranscript(rawBody, new Date(now()));
      } catch (error) {
        if (error instanceof TranscriptError) return reply.code(400).send({ error: error.message });
        throw error;
      }
      const { id, duplicate, spooled } = await host.acceptInbound(message);
      request.log.info({ messageId: id, duplicate, spooled }, 'transcript stored');
      // Spooled (PostgreSQL down): no message id yet, stored when it is back.
      return reply.code(202).send(spooled ? { duplicate, spooled } : { messageId: id, duplicate });
    });
  };
}

/**
 * Transcripts from other speech services and call centres: a signed JSON post per call, stored like a
 * text on the voice channel (answers go out by SMS, so there is no `send`).
 */
export function transcriptFeed(settings: TranscriptSettings): ChannelAdapter {
  return {
    provider: 'transcripts',
    channel: 'voice',
    prefix: 'transcripts',
    capabilities: { maxLength: 1600, media: false },
    dryRun: false,
    routes: routes(settings),
  };
}
