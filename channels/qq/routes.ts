import { readRawBodies } from '../raw-body.ts';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ChannelHost } from '../types.ts';
import { normalizeQq, OP_VERIFY, PayloadError } from './normalize.ts';
import { qqKeys, qqSignatureIsValid, RefusedError, signQq, type QqKeys } from './signature.ts';

export interface QqRouteSettings {
  secret?: string;
  /** Seconds since the epoch; tests move it. */
  now?: () => number;
}

/** A message event is a few kB; anything far larger is not from the platform. */
export const BODY_LIMIT = 64 * 1024;
/** How far X-Signature-Timestamp (and a verification's event_ts) may be from now: a captured request replayed later is refused. */
export const REPLAY_WINDOW_SECONDS = 300;
/**
 * The platform's plain_token is a short word. Anything else is refused: signing arbitrary text
 * would let anyone obtain a valid signature over event_ts + "{…json…}", i.e. forge an event.
 */
const PLAIN_TOKEN = /^[A-Za-z0-9_-]{1,128}$/;

function refuse(request: FastifyRequest, reply: FastifyReply, why: string) {
  request.log.warn({ url: request.url }, `qq webhook refused: ${why}`);
  return reply.code(403).send({ error: why });
}

const header = (request: FastifyRequest, name: string) => {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
};

function withinWindow(timestamp: string | undefined, now: number): boolean {
  return timestamp !== undefined && /^\d{1,12}$/.test(timestamp) && Math.abs(now - Number(timestamp)) <= REPLAY_WINDOW_SECONDS;
}

/** The body as JSON; PayloadError when it is not. */
function parse(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new PayloadError('the body is not JSON');
  }
}

/** Checks X-Signature-Ed25519 over X-Signature-Timestamp + body, and that the timestamp is recent. */
function checkSignature(keys: QqKeys, request: FastifyRequest, body: Buffer, now: number): void {
  const timestamp = header(request, 'x-signature-timestamp');
  if (!qqSignatureIsValid(keys, timestamp, body, header(request, 'x-signature-ed25519'))) throw new RefusedError('invalid X-Signature-Ed25519');
  if (!withinWindow(timestamp, now)) throw new RefusedError('X-Signature-Timestamp is outside the replay window');
}

/**
 * POST /channels/qq: the callback-address verification (op 13), answered with `plain_token`
 * signed; and every event, signed by the platform, stored before the answer (op 12 ACK): the
 * platform waits 3 s. A message delivered twice (same message id) is stored once.
 */
export function qqRoutes(settings: QqRouteSettings): FastifyPluginAsync<{ host: ChannelHost }> {
  const keys = settings.secret ? qqKeys(settings.secret) : undefined;
  const now = settings.now ?? (() => Math.floor(Date.now() / 1000));
  return async (app, { host }) => {
    // The signature covers the exact bytes: read the body raw, whatever its type.
    readRawBodies(app, BODY_LIMIT);

    app.post('/', async (request, reply) => {
      if (!keys) return refuse(request, reply, 'QQ_BOT_SECRET is not set');
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      try {
        const signed = header(request, 'x-signature-ed25519') !== undefined;
        if (signed) checkSignature(keys, request, body, now());
        const payload = parse(body);
        // The verification request may come unsigned; every event must be signed.
        if (!signed && (payload as { op?: unknown } | null)?.op !== OP_VERIFY) throw new RefusedError('invalid X-Signature-Ed25519');
        const inbound = normalizeQq(payload);
        if (inbound.kind === 'verify') {
          if (!PLAIN_TOKEN.test(inbound.plainToken)) throw new PayloadError('plain_token is not a plain token');
          if (!withinWindow(inbound.eventTs, now())) throw new RefusedError('event_ts is outside the replay window');
          return reply.send({ plain_token: inbound.plainToken, signature: signQq(keys, inbound.eventTs + inbound.plainToken) });
        }
        if (inbound.kind === 'event') {
          request.log.info({ event: inbound.type, eventId: inbound.eventId }, 'qq event acknowledged, not stored');
        } else {
          const { id, duplicate } = await host.acceptInbound(inbound.message);
          request.log.info({ messageId: id, duplicate }, 'qq message stored');
        }
        return reply.send({ op: 12 });
      } catch (error) {
        if (error instanceof RefusedError) return refuse(request, reply, error.message);
        if (error instanceof PayloadError) return reply.code(400).send({ error: error.message });
        throw error;
      }
    });
  };
}
