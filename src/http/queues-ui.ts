import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyPluginAsync } from 'fastify';
import type { Context } from '../context.ts';
import { requireApiToken } from './api-token.ts';

export const QUEUES_UI_PATH = '/admin/queues';

/**
 * bull-board at /admin/queues: every queue's jobs, for administrators. Until the console has a
 * sign-in it asks for JIFEN_API_TOKEN (bearer, or as the basic-auth password in a browser).
 */
export const queuesUiRoutes: FastifyPluginAsync<{ context: Context }> = async (app, { context }) => {
  requireApiToken(app, context, { basic: true });
  const { jobs } = context;
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(QUEUES_UI_PATH);
  // QueueHandle is jifen's narrow view of a BullMQ Queue; bull-board takes the Queue itself.
  const queues = [jobs.pipeline, jobs.weekly, ...Object.values(jobs.outbound)].map((queue) => new BullMQAdapter(queue as unknown as Queue));
  createBullBoard({ queues, serverAdapter, options: { uiConfig: { boardTitle: 'jifen queues' } } });
  await app.register(serverAdapter.registerPlugin(), { prefix: QUEUES_UI_PATH });
};
