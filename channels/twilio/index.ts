import formbody from '@fastify/formbody';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { PermanentSendError, type ChannelAdapter, type ChannelHost, type OutboundRequest, type SendResult } from '../types.ts';
import { loadOnce } from '../../src/load-once.ts';
import { createTwilioClient } from './client.ts';
import { normalizeSms, normalizeStatus, PayloadError } from './normalize.ts';
import { signatureIsValid } from './signature.ts';

export interface TwilioSettings {
  accountSid?: string;
  authToken?: string;
  fromNumber?: string;
  apiBaseUrl?: string;
  /** The public base URL Twilio posts to; part of what the signature covers. */
  publicUrl: string;
}

/** A 5,000-character Chinese text is ~45 kB form-encoded; anything far larger is not an SMS. */
const BODY_LIMIT = 128 * 1024;
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

/** Twilio answers 429 and 5xx for passing trouble; any other 4xx is about the message itself. */
function isPermanent(error: unknown): boolean {
  const status = (error as { status?: number }).status;
  return typeof status === 'number' && status >= 400 && status < 500 && status !== 429;
}

function routes(settings: TwilioSettings): FastifyPluginAsync<{ host: ChannelHost }> {
  return async (app, { host }) => {
    // Twilio posts forms only: drop the app's JSON and text parsers here so anything else is a 415.
    app.removeAllContentTypeParsers();
    await app.register(formbody, { bodyLimit: BODY_LIMIT });
    app.addHook('preHandler', async (request, reply) => {
      if (!(await signatureIsValid(settings, request))) {
        request.log.warn({ url: request.url }, settings.authToken ? 'twilio webhook with a bad signature' : 'twilio webhook refused: TWILIO_AUTH_TOKEN is not set');
        return reply.code(403).send({ error: 'invalid Twilio signature' });
      }
    });
    const badPayload = (reply: FastifyReply, error: unknown) => {
      if (error instanceof PayloadError) return reply.code(400).send({ error: error.message });
      throw error;
    };

    app.post('/sms', { bodyLimit: BODY_LIMIT }, async (request, reply) => {
      try {
        const { id, duplicate } = await host.acceptInbound(normalizeSms(request.body));
        request.log.info({ messageId: id, duplicate }, 'sms stored');
        return reply.type('text/xml').send(EMPTY_TWIML);
      } catch (error) {
        return badPayload(reply, error);
      }
    });

    app.post('/status', async (request, reply) => {
      try {
        const update = normalizeStatus(request.body);
        if (update) await host.recordDelivery(update.providerId, update.status, update.error);
        return reply.code(204).send();
      } catch (error) {
        return badPayload(reply, error);
      }
    });
  };
}

/** SMS through Twilio: signed Messaging webhooks in, the REST API out; a labelled dry run without credentials. */
export function twilioSms(settings: TwilioSettings): ChannelAdapter {
  const { accountSid, authToken } = settings;
  const client = accountSid && authToken
    ? loadOnce(() => createTwilioClient(accountSid, authToken, settings.apiBaseUrl))
    : undefined;
  return {
    provider: 'twilio',
    channel: 'sms',
    prefix: 'twilio',
    // A UCS-2 segment holds 70 characters; Twilio concatenates up to 1,600.
    capabilities: { maxLength: 1600, media: true },
    dryRun: client === undefined,
    async send(message: OutboundRequest): Promise<SendResult> {
      if (!client) return { status: 'dry_run' };
      const from = settings.fromNumber ?? message.from;
      if (!from) throw new PermanentSendError('no sender number: set TWILIO_FROM_NUMBER or the village sms_sender_number');
      try {
        const sent = await (await client()).messages.create({
          to: message.to, from, body: message.text, statusCallback: `${settings.publicUrl}/channels/twilio/status`,
        });
        return { status: 'sent', providerId: sent.sid };
      } catch (error) {
        if (isPermanent(error)) throw new PermanentSendError(`Twilio refused the message: ${(error as Error).message}`);
        throw error;
      }
    },
    routes: routes(settings),
  };
}
