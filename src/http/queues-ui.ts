import type { Queue } from 'bullmq';
import type { FastifyPluginAsync } from 'fastify';
import type { Context } from '../context.ts';
import { requireApiToken } from './api-token.ts';

export const QUEUES_UI_PATH = '/admin/queues';

/**
 * bull-board at /admin/queues: every queue's jobs, for administrators. Until the console has a
 * sign-in it asks for JIFEN_API_TOKEN (bearer, or as the basic-auth password in a browser).
 * Without the token set every request is refused, so bull-board is not even loaded.
 */
export const queuesUiRoutes: FastifyPluginAsync<{ context: Context }> = async (app, { context }) => {
  requireApiToken(app, context, { basic: true });
  if (!context.config.apiToken) {
    // Answered 401 by the hook above.
    app.all(QUEUES_UI_PATH, async () => undefined);
    app.all(`${QUEUES_UI_PATH}/*`, async () => undefined);
    return;
  }
  const [{ createBullBoard }, { BullMQAdapter }, { FastifyAdapter }] = await Promise.all([
    import('@bull-board/api'), import('@bull-board/api/bullMQAdapter'), import('@bull-board/fastify'),
  ]);
  const { jobs } = context;
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(QUEUES_UI_PATH);
  // QueueHandle is jifen's narrow view of a BullMQ Queue; bull-board takes the Queue itself.
  const queues = [jobs.pipeline, jobs.weekly, ...Object.values(jobs.outbound)].map((queue) => new BullMQAdapter(queue as unknown as Queue));
  createBullBoard({ queues, serverAdapter, options: { uiConfig: { boardTitle: 'jifen queues' } } });
  await app.register(serverAdapter.registerPlugin(), { prefix: QUEUES_UI_PATH });
};
