import { describeBackend, loadConfig } from './config.ts';
import { closeContext, createContext } from './context.ts';
import { startWorkers } from '../workers/index.ts';
import { onShutdown } from './shutdown.ts';
import { serveWorkerMetrics } from './metrics/worker-server.ts';

/** `npm run worker`: only the workers, for scaling out (more of these against Redis + PostgreSQL). */
const config = loadConfig();
const context = await createContext(config);
// Channels with a connection of their own (a Wechaty bot) are started, and sent on, by `npm start` only.
const workers = startWorkers(context, { ownConnections: false });
await workers.ready();
const metrics = await serveWorkerMetrics(context);
context.log.info(`jifen workers running — backend: ${describeBackend(config)}`);
onShutdown(context.log, async () => {
  await metrics?.close();
  await workers.close();
  await closeContext(context);
}, { ...config.operations.shutdown, drainDelayMs: 0 });
