import type { FastifyPluginAsync } from 'fastify';
import type { Context } from '../context.ts';
import { page } from './render.ts';
import { weeklyStatus } from './weekly-status.ts';

/** 周报: each village's weekly notification runs by week — households, sent, failed, opted out, held by quiet hours. */
export const weeklyRoutes: FastifyPluginAsync<{ context: Context }> = async (app, { context }) => {
  app.get('/weekly', async (request, reply) => {
    const villages = request.consoleUser!.villages;
    const runs = await Promise.all(villages.map(async (village) => ({ village, weeks: await weeklyStatus(context.db, village) })));
    return page(request, reply, 'weekly', { runs });
  });
};
