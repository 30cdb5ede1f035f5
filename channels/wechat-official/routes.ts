import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { REPLAY_WINDOW_MS, unixSecondsProblem } from '../replay-window.ts';
import type { ChannelHost } from '../types.ts';
import { normalizeWechat } from './normalize.ts';
import { openEnvelope, param, RefusedError, urlSignatureIsValid, type EnvelopeKeys, type Query } from './signature.ts';
import { parseWechatXml, PayloadError, type WechatFields } from './xml.ts';

export interface RouteSettings {
  token?: string;
  encodingAesKey?: string;
  appId?: string;
  apiBaseUrl: string;
  /** Milliseconds since the epoch; tests move it. */
  now?: () => number;
}

const PROVIDER = 'wechat-official';

/** A text message is at most a few kB even encrypted; anything far larger is not from WeChat. */
export const BODY_LIMIT = 64 * 1024;

const safeMode = (request: FastifyRequest) => param(request.query as Query, 'encrypt_type') === 'aes';

function refuse(request: FastifyRequest, reply: FastifyReply, why: string) {
  request.log.warn({ path: request.routeOptions.url }, `wechat official webhook refused: ${why}`);
  return reply.code(403).send({ error: why });
}

/** The message's fields: as posted in plaintext mode, decrypted in safe mode. */
function messageFields(keys: EnvelopeKeys, request: FastifyRequest): WechatFields {
  const posted = parseWechatXml(request.body as string | undefined);
  return safeMode(request) ? openEnvelope(keys, request.query as Query, posted) : posted;
}

/**
 * GET /official: WeChat's server verification. POST /official: messages and template delivery
 * reports, stored before answering `success` (WeChat waits 5 s, then retries up to 3 times; acceptInbound is idempotent).
 * A message's `timestamp` must be within five minutes of now; a plaintext message's timestamp and nonce are
 * taken once (its signature covers only them, so a replay could carry any body).
 */
export function wechatOfficialRoutes(settings: RouteSettings): FastifyPluginAsync<{ host: ChannelHost }> {
  // Without a token every request is refused before it gets here.
  const keys: EnvelopeKeys = { token: settings.token ?? '', encodingAesKey: settings.encodingAesKey, appId: settings.appId };
  const now = settings.now ?? Date.now;
  return async (app, { host }) => {
    const nonces = host.nonces;
    if (!nonces) throw new Error('the WeChat official account needs a nonce store to refuse replayed plaintext messages');
    // WeChat posts XML, as text/xml or without a type: read every body as text, XML or not.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_request, body, done) => done(null, body));
    app.setErrorHandler((error: Error & { code?: string }, _request, reply) => {
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.code(400).send({ error: `XML body larger than ${BODY_LIMIT} bytes` });
      throw error;
    });

    /** The nonce each plaintext request took, given back if answering it fails on our side (WeChat retries). */
    const takenNonces = new WeakMap<FastifyRequest, string>();

    // Checked before the body is read, except for safe mode, whose msg_signature covers the body.
    app.addHook('onRequest', async (request, reply) => {
      if (!settings.token) return refuse(request, reply, 'WECHAT_OFFICIAL_TOKEN is not set');
      const query = request.query as Query;
      if (request.method !== 'POST') {
        if (!urlSignatureIsValid(settings.token, query)) return refuse(request, reply, 'invalid WeChat signature');
        return;
      }
      const stale = unixSecondsProblem(param(query, 'timestamp'), now(), 'timestamp');
      if (safeMode(request)) return stale ? refuse(request, reply, stale) : undefined;
      // In plaintext mode the signature covers the URL only, not the body: once the account has a
      // key, WeChat posts in safe mode (or compatible mode, with msg_signature) and plaintext is a forgery.
      if (settings.encodingAesKey) return refuse(request, reply, 'plaintext message refused: WECHAT_OFFICIAL_AES_KEY is set, messages must be in safe mode');
      if (!urlSignatureIsValid(settings.token, query)) return refuse(request, reply, 'invalid WeChat signature');
      if (stale) return refuse(request, reply, stale);
      const nonce = `${param(query, 'timestamp')}:${param(query, 'nonce')}`;
      if (!await nonces.claim(PROVIDER, nonce, new Date(now() + 2 * REPLAY_WINDOW_MS))) {
        return refuse(request, reply, 'replayed request: this timestamp and nonce were used before');
      }
      takenNonces.set(request, nonce);
    });
    app.addHook('onResponse', async (request, reply) => {
      const nonce = takenNonces.get(request);
      if (nonce !== undefined && reply.statusCode >= 500) await nonces.release(PROVIDER, nonce);
    });

    app.get('/official', async (request, reply) => {
      const echo = param(request.query as Query, 'echostr');
      if (echo === undefined) return reply.code(400).send({ error: 'echostr is missing' });
      return reply.type('text/plain').send(echo);
    });

    app.post('/official', async (request, reply) => {
      try {
        const inbound = normalizeWechat(messageFields(keys, request), settings.apiBaseUrl);
        if (inbound.kind === 'event') {
          const { event, sender, createTime } = inbound;
          request.log.info({ event, openid: sender, createTime }, 'wechat event acknowledged, not stored');
        } else if (inbound.kind === 'delivery') {
          const { providerId, status, error } = inbound.delivery;
          await host.recordDelivery(providerId, status, error);
          request.log.info({ providerId, status }, 'wechat template message delivery recorded');
        } else {
          const { id, duplicate } = await host.acceptInbound(inbound.message);
          request.log.info({ messageId: id, duplicate }, 'wechat message stored');
        }
        return reply.type('text/plain').send('success');
      } catch (error) {
        if (error instanceof RefusedError) return refuse(request, reply, error.message);
        if (error instanceof PayloadError) return reply.code(400).send({ error: error.message });
        throw error;
      }
    });
  };
}
