import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Context } from '../context.ts';
import { metricsRoutes } from '../http/metrics.ts';

/** `npm run worker` with METRICS_PORT: /metrics (bearer-protected) on that port, for the jobs this process runs. */
export async function serveWorkerMetrics(context: Context): Promise<FastifyInstance | undefined> {
  const port = context.config.operations.metricsPort;
  if (port === undefined) return undefined;
  const app = Fastify({ loggerInstance: context.log as FastifyBaseLogger, bodyLimit: 1024 });
  await app.register(metricsRoutes, { context });
  await app.listen({ port, host: context.config.host });
  return app;
}
