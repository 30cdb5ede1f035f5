import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Context } from '../context.ts';
import { consoleRoutes } from '../console/plugin.ts';
import { channelHost } from '../messages/host.ts';
import { declarationRoutes } from './declarations.ts';
import { redemptionRoutes } from './redemptions.ts';
import { healthRoutes } from './health.ts';
import { publicityRoutes } from './publicity.ts';

/** The HTTP side of jifen: health probes and every channel's webhooks, each an encapsulated plugin. */
export async function buildApp(context: Context): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: context.log as FastifyBaseLogger, bodyLimit: 128 * 1024 });
  const host = channelHost(context);
  // A client error says what is wrong; a server error says nothing of SQL or the data behind it.
  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    if ((error.statusCode ?? 500) < 500) return reply.send(error);
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send({ error: 'internal error' });
  });
  await app.register(healthRoutes, { context });
  await app.register(declarationRoutes, { context, prefix: '/api' });
  await app.register(publicityRoutes, { context });
  await app.register(redemptionRoutes, { context, prefix: '/api' });
  await app.register(consoleRoutes, { context, prefix: '/console' });
  for (const adapter of context.channels.adapters) {
    if (adapter.routes) await app.register(adapter.routes, { prefix: `/channels/${adapter.prefix}`, host });
  }
  return app;
}
