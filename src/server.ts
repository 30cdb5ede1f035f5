import { describeBackend, loadConfig } from './config.ts';
import { closeContext, createContext } from './context.ts';
import { buildApp } from './http/app.ts';
import { startChannels } from './messages/host.ts';
import { seedIfEmpty } from './village/seed.ts';
import { startWorkers } from '../workers/index.ts';
import { onShutdown } from './shutdown.ts';

/** `npm start`: the HTTP server and all workers in one process. */
const config = loadConfig();
const context = await createContext(config, { serve: true });
await seedIfEmpty(context);
const workers = startWorkers(context);
const app = await buildApp(context);
const address = await app.listen({ port: config.port, host: config.host });
const stopChannels = await startChannels(context);
context.log.info(`jifen listening on ${address} — backend: ${describeBackend(config)}`);
for (const adapter of context.channels.adapters) {
  if (adapter.dryRun) context.log.warn(`${adapter.channel} (${adapter.provider}): DRY RUN — no provider credentials, outbound messages are recorded with status dry_run and not sent`);
}
// SIGTERM: /readyz turns 503; then new requests are refused while those in flight and the running jobs finish.
onShutdown(context.log, async () => {
  await stopChannels();
  await Promise.all([app.close(), workers.close()]);
  await closeContext(context);
}, config.operations.shutdown);
