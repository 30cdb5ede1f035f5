import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Context } from '../context.ts';
import { consoleRoutes } from '../console/plugin.ts';
import { channelHost } from '../messages/host.ts';
import { httpDuration } from '../metrics/process-metrics.ts';
import { declarationRoutes } from './declarations.ts';
import { registerApiDocs } from './docs.ts';
import { redemptionRoutes } from './redemptions.ts';
import { healthRoutes } from './health.ts';
import { limitRate } from './limits.ts';
import { metricsRoutes } from './metrics.ts';
import { publicityRoutes } from './publicity.ts';
import { queuesUiRoutes } from './queues-ui.ts';

/** Every request must carry its whole body within this (channels with larger media send links, not bytes). */
export const BODY_LIMIT = 128 * 1024;

/** The HTTP side of jifen: health probes, metrics, the API and its docs, and every channel's webhooks, each an encapsulated plugin. */
export async function buildApp(context: Context): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: context.log as FastifyBaseLogger, bodyLimit: BODY_LIMIT });
  const host = await channelHost(context);
  // A client error says what is wrong; a server error says nothing of SQL or the data behind it.
  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    if ((error.statusCode ?? 500) < 500) return reply.send(error);
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send({ error: 'internal error' });
  });
  app.addHook('onResponse', async (request, reply) => {
    httpDuration.observe({ route: request.routeOptions.url ?? 'unmatched', method: request.method, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  await registerApiDocs(app);
  await app.register(healthRoutes, { context });
  await app.register(async (scope) => {
    await limitRate(scope, context.config.operations.apiPerMinute);
    await scope.register(metricsRoutes, { context });
    await scope.register(declarationRoutes, { context, prefix: '/api' });
    await scope.register(redemptionRoutes, { context, prefix: '/api' });
  });
  await app.register(queuesUiRoutes, { context });
  await app.register(publicityRoutes, { context });
  await app.register(consoleRoutes, { context, prefix: '/console' });
  for (const adapter of context.channels.adapters) {
    if (adapter.routes) await app.register(adapter.routes, { prefix: `/channels/${adapter.prefix}`, host });
  }
  return app;
}
