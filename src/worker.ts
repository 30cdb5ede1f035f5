import { describeBackend, loadConfig } from './config.ts';
import { closeContext, createContext } from './context.ts';
import { startWorkers } from '../workers/index.ts';
import { onShutdown } from './shutdown.ts';

/** `npm run worker`: only the workers, for scaling out (more of these against Redis + PostgreSQL). */
const config = loadConfig();
const context = await createContext(config);
const workers = startWorkers(context);
await workers.ready();
context.log.info(`jifen workers running — backend: ${describeBackend(config)}`);
onShutdown(context.log, async () => {
  await workers.close();
  await closeContext(context);
});
