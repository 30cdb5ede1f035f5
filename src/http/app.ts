import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { ChannelHost } from '../../channels/types.ts';
import type { Context } from '../context.ts';
import { acceptInbound } from '../messages/inbound.ts';
import { recordDelivery } from '../messages/outbound.ts';
import { healthRoutes } from './health.ts';

/** The HTTP side of jifen: health probes and every channel's webhooks, each an encapsulated plugin. */
export async function buildApp(context: Context): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: context.log as FastifyBaseLogger, bodyLimit: 128 * 1024 });
  const host: ChannelHost = {
    acceptInbound: (message) => acceptInbound(context, message),
    recordDelivery: (providerId, status, error) => recordDelivery(context, providerId, status, error),
  };
  await app.register(healthRoutes, { context });
  for (const adapter of context.channels.values()) {
    await app.register(adapter.routes, { prefix: `/channels/${adapter.prefix}`, host });
  }
  return app;
}
