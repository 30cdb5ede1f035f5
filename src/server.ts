import { describeBackend, loadConfig } from './config.ts';
import { startEmbeddedServer } from './db/embedded.ts';

/**
 * `npm start`: the HTTP server and all workers in one process. On the embedded default PostgreSQL
 * starts first and the rest of jifen loads while it does (loading the modules is most of a start).
 */
const config = loadConfig();
const starting = config.databaseUrl ? undefined : startEmbeddedServer(config.dataDir);
starting?.catch(() => {}); // a refusal is thrown where the database is opened, below
const [{ closeContext, createContext }, { buildApp }, { startChannels }, { seedIfEmpty }, { startWorkers }, { onShutdown }] = await Promise.all([
  import('./context.ts'), import('./http/app.ts'), import('./messages/host.ts'),
  import('./village/seed.ts'), import('../workers/index.ts'), import('./shutdown.ts'),
]);
const context = await createContext(config, { serve: true, starting });
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
