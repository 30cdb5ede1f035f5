import type { FastifyPluginAsync } from 'fastify';
import { Registry } from 'prom-client';
import type { Context } from '../context.ts';
import { registry as processRegistry } from '../metrics/process-metrics.ts';
import { ScrapeMetrics } from '../metrics/scrape.ts';
import { requireApiToken } from './api-token.ts';

/** GET /metrics: Prometheus text format, behind `Authorization: Bearer $JIFEN_API_TOKEN`. */
export const metricsRoutes: FastifyPluginAsync<{ context: Context }> = async (app, { context }) => {
  requireApiToken(app, context);
  const scraped = new ScrapeMetrics(context);
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    const merged = Registry.merge([processRegistry, ...(await scraped.collect())]);
    return reply.type(merged.contentType).send(await merged.metrics());
  });
};
