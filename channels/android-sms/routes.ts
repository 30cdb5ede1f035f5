import { readRawBodies } from '../raw-body.ts';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ChannelHost } from '../types.ts';
import { deliveryOf, isDeliveryEvent, normalizeReceived, parseEvent, PayloadError } from './normalize.ts';
import { unixSecondsProblem } from '../replay-window.ts';
import { signatureIsValid } from './signature.ts';

export interface AndroidSmsRouteSettings {
  /** ANDROID_SMS_SIGNING_KEY; unset: every webhook is refused. */
  signingKey?: string;
  /** Milliseconds since the epoch; tests move it. */
  now?: () => number;
}

/** One event about one SMS is well under a kilobyte; a long text a few. */
export const BODY_LIMIT = 64 * 1024;

function refuse(request: FastifyRequest, reply: FastifyReply, why: string) {
  request.log.warn({ path: request.routeOptions.url }, `android sms webhook refused: ${why}`);
  return reply.code(403).send({ error: why });
}

/**
 * POST /webhook: the gateway's webhooks (register one per event: sms:received, sms:sent,
 * sms:delivered, sms:failed), signed with the app's signing key. Stored before answering 204:
 * the app retries anything else with back-off for about two days, and storing is idempotent.
 */
export function androidSmsRoutes(settings: AndroidSmsRouteSettings): FastifyPluginAsync<{ host: ChannelHost }> {
  const now = settings.now ?? Date.now;
  return async (app, { host }) => {
    // The signature covers the body exactly as sent: keep the bytes, parse them here.
    readRawBodies(app, BODY_LIMIT);

    // What can be checked before the body is read.
    app.addHook('onRequest', async (request, reply) => {
      if (!settings.signingKey) return refuse(request, reply, 'ANDROID_SMS_SIGNING_KEY is not set');
      const problem = unixSecondsProblem(request.headers['x-timestamp'], now(), 'X-Timestamp');
      if (problem) return refuse(request, reply, problem);
      if (request.headers['x-signature'] === undefined) return refuse(request, reply, 'X-Signature is missing');
    });

    app.addHook('preHandler', async (request, reply) => {
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      if (!signatureIsValid(settings.signingKey!, body, request.headers['x-timestamp'] as string, request.headers['x-signature'])) {
        return refuse(request, reply, 'invalid X-Signature');
      }
    });

    app.post('/webhook', async (request, reply) => {
      try {
        const event = parseEvent(Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '');
        if (event.event === 'sms:received') {
          const { id, duplicate } = await host.acceptInbound(normalizeReceived(event));
          request.log.info({ messageId: id, duplicate }, 'sms stored');
        } else if (isDeliveryEvent(event.event)) {
          const { providerId, status, error } = deliveryOf(event);
          await host.recordDelivery(providerId, status, error);
        } else {
          // system:ping, sms:data-received, mms:* …: nothing jifen keeps.
          request.log.info({ event: event.event, deviceId: event.deviceId }, 'android sms event acknowledged, not stored');
        }
        return reply.code(204).send();
      } catch (error) {
        if (error instanceof PayloadError) return reply.code(400).send({ error: error.message });
        throw error;
      }
    });
  };
}
