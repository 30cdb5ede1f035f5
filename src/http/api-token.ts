import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Context } from '../context.ts';

function sameSecret(expected: string, given: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The secret an Authorization header carries: a bearer token, or (browsers) a basic-auth password. */
function presentedSecret(header: string | undefined, basic: boolean): string | undefined {
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length);
  if (basic && header?.startsWith('Basic ')) {
    const decoded = Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8');
    return decoded.slice(decoded.indexOf(':') + 1);
  }
  return undefined;
}

/**
 * Every route of the plugin needs `Authorization: Bearer $JIFEN_API_TOKEN`; without the token set
 * it refuses everything. `basic: true` (pages for a browser, the queue UI) also takes the token as a
 * basic-auth password, so a browser can ask for it.
 */
export function requireApiToken(app: FastifyInstance, context: Context, { basic = false } = {}): void {
  app.addHook('onRequest', async (request, reply) => {
    const expected = context.config.apiToken;
    const given = presentedSecret(request.headers.authorization, basic);
    if (expected && given !== undefined && sameSecret(expected, given)) return;
    if (basic) reply.header('www-authenticate', 'Basic realm="jifen", charset="UTF-8"');
    return reply.code(401).send({ error: expected ? 'invalid API token' : 'the API is off: JIFEN_API_TOKEN is not set' });
  });
}
