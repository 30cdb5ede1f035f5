import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ChannelHost } from '../types.ts';
import { normalizeReport, normalizeUp, parsePush, PayloadError } from './normalize.ts';

export interface AliyunRouteSettings {
  /** ALIYUN_SMS_PUSH_TOKEN; unset: every push is refused. */
  pushToken?: string;
}

/** A push holds many small JSON objects; a megabyte is thousands of reports. */
export const BODY_LIMIT = 1024 * 1024;
/** The header a proxy in front of jifen may carry the token in instead of the URL. */
export const TOKEN_HEADER = 'x-jifen-push-token';
/** What Aliyun expects back: it only checks that `code` is a number (and HTTP 200). */
export const RECEIVED = { code: 0, msg: '成功' } as const;

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** The token from `?token=` or the header; repeated values count as none. */
function givenToken(request: FastifyRequest): string | undefined {
  const fromQuery = (request.query as Record<string, unknown>).token;
  const fromHeader = request.headers[TOKEN_HEADER];
  const given = fromQuery ?? fromHeader;
  return typeof given === 'string' ? given : undefined;
}

function refuse(request: FastifyRequest, reply: FastifyReply, why: string) {
  request.log.warn({ path: request.routeOptions.url }, `aliyun sms push refused: ${why}`);
  return reply.code(403).send({ error: why });
}

/**
 * Aliyun's HTTP batch push (HTTP批量推送): POST /up (SmsUp, replies) and POST /report (SmsReport,
 * delivery reports), JSON arrays. Everything is stored before answering: Aliyun re-pushes after
 * 1, 5 and 10 minutes when the answer is not 200, and acceptInbound is idempotent, so a batch
 * that failed half-way is simply taken again. An unreadable item is skipped (and logged); a push with
 * no readable item is refused (400).
 */
export function aliyunSmsRoutes(settings: AliyunRouteSettings): FastifyPluginAsync<{ host: ChannelHost }> {
  const expected = settings.pushToken ? digest(settings.pushToken) : undefined;
  return async (app, { host }) => {
    // Bodies are read as text whatever the content type, and parsed here so malformed JSON is our 400.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_request, body, done) => done(null, body));
    app.setErrorHandler((error: Error & { code?: string }, _request, reply) => {
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.code(400).send({ error: `body larger than ${BODY_LIMIT} bytes` });
      throw error;
    });

    // Aliyun signs nothing: the token in the URL configured in the console is the only proof.
    app.addHook('onRequest', async (request, reply) => {
      if (!expected) return refuse(request, reply, 'ALIYUN_SMS_PUSH_TOKEN is not set');
      const given = givenToken(request);
      if (given === undefined || !timingSafeEqual(digest(given), expected)) return refuse(request, reply, 'invalid push token');
    });

    const badPayload = (reply: FastifyReply, error: unknown) => {
      if (error instanceof PayloadError) return reply.code(400).send({ error: error.message });
      throw error;
    };

    /**
     * Reads every item of a push on its own: one that cannot be read is logged and skipped, so it
     * never holds back the items after it (re-pushing would not mend it). Nothing readable at all: 400.
     */
    async function eachItem<T>(request: FastifyRequest, read: (item: Record<string, unknown>, index: number) => T, take: (value: T) => Promise<void>) {
      const items = parsePush(request.body as string | undefined);
      const problems: string[] = [];
      for (const [index, item] of items.entries()) {
        let value: T;
        try {
          value = read(item, index);
        } catch (error) {
          if (!(error instanceof PayloadError)) throw error;
          problems.push(error.message);
          continue;
        }
        await take(value);
      }
      if (problems.length > 0) request.log.warn({ problems, items: items.length }, 'aliyun push: unreadable items skipped');
      if (problems.length === items.length) throw new PayloadError(problems[0]!);
    }

    app.post('/up', async (request, reply) => {
      try {
        const now = new Date();
        await eachItem(request, (item, index) => normalizeUp(item, index, now), async (message) => {
          const { id, duplicate } = await host.acceptInbound(message);
          request.log.info({ messageId: id, duplicate }, 'sms stored');
        });
        return reply.send(RECEIVED);
      } catch (error) {
        return badPayload(reply, error);
      }
    });

    app.post('/report', async (request, reply) => {
      try {
        await eachItem(request, normalizeReport, (report) => host.recordDelivery(report.providerId, report.status, report.error));
        return reply.send(RECEIVED);
      } catch (error) {
        return badPayload(reply, error);
      }
    });
  };
}
