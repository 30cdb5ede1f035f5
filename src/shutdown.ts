import type { Logger } from './log.ts';

/** Closes cleanly on SIGINT/SIGTERM: in-flight jobs finish, the embedded database is flushed. */
export function onShutdown(log: Logger, close: () => Promise<void>): void {
  let closing = false;
  const handler = (signal: string) => {
    if (closing) return;
    closing = true;
    log.info(`${signal}: shutting down`);
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    close().then(() => process.exit(0), (error) => {
      log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    });
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
}
