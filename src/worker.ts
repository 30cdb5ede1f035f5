import { describeBackend, loadConfig } from './config.ts';
import { closeContext, createContext } from './context.ts';
import { startWorkers } from '../workers/index.ts';
import { onShutdown } from './shutdown.ts';

/** `npm run worker`: only the workers, for scaling out (more of these against Redis + PostgreSQL). */
const config = loadConfig();
const context = await createContext(config);
// Channels with a connection of their own (a Wechaty bot) are started, and sent on, by `npm start` only.
const workers = startWorkers(context, { ownConnections: false });
await workers.ready();
context.log.info(`jifen workers running — backend: ${describeBackend(config)}`);
onShutdown(context.log, async () => {
  await workers.close();
  await closeContext(context);
});
