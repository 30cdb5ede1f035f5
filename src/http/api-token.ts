import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Context } from '../context.ts';

function bearerIsValid(expected: string | undefined, header: string | undefined): boolean {
  if (!expected || !header?.startsWith('Bearer ')) return false;
  const given = Buffer.from(header.slice('Bearer '.length));
  const wanted = Buffer.from(expected);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/** Every route of the plugin needs `Authorization: Bearer $JIFEN_API_TOKEN`; without the token set the API refuses everything. */
export function requireApiToken(app: FastifyInstance, context: Context): void {
  app.addHook('onRequest', async (request, reply) => {
    if (!bearerIsValid(context.config.apiToken, request.headers.authorization)) {
      return reply.code(401).send({ error: context.config.apiToken ? 'invalid API token' : 'the API is off: JIFEN_API_TOKEN is not set' });
    }
  });
}
