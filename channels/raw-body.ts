import type { FastifyInstance } from 'fastify';

/**
 * Reads every request body of this plugin as raw bytes, whatever its type, for webhooks whose
 * signature covers the body exactly as sent; a body over `limit` bytes is a 413, as on every other route.
 */
export function readRawBodies(app: FastifyInstance, limit: number): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: limit }, (_request, body, done) => done(null, body));
  app.setErrorHandler((error: Error & { code?: string }, _request, reply) => {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return reply.code(413).send({ error: `body larger than ${limit} bytes` });
    throw error;
  });
}
