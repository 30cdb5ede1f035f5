import { sql } from 'drizzle-orm';
import type { FastifyPluginAsync } from 'fastify';
import type { Context } from '../context.ts';
import { isDraining } from '../shutdown.ts';

async function check(probe: () => Promise<unknown>): Promise<string> {
  try {
    await probe();
    return 'ok';
  } catch (error) {
    return `unreachable: ${(error as Error).message}`;
  }
}

/** /healthz: the process answers. /readyz: the database and the queue answer too, and the process is not shutting down. */
export const healthRoutes: FastifyPluginAsync<{ context: Context }> = async (app, { context }) => {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    // Draining (SIGTERM received): finishing what is in flight; a load balancer sends new work elsewhere.
    if (isDraining()) return reply.code(503).send({ status: 'draining' });
    const [database, queue] = await Promise.all([
      check(() => context.db.execute(sql`select 1`)),
      check(() => context.jobs.ping()),
    ]);
    const ready = database === 'ok' && queue === 'ok';
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', database, queue });
  });
};
