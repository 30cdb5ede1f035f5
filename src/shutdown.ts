import type { Logger } from './log.ts';

export interface ShutdownSettings {
  /** How long /readyz answers 503 before the server stops taking requests (a load balancer's time to notice). */
  drainDelayMs: number;
  /** The bound on finishing in-flight requests and jobs; past it the process exits 1. */
  timeoutMs: number;
}

let draining = false;

/** True once SIGTERM/SIGINT was received: /readyz answers 503. */
export const isDraining = () => draining;

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * On SIGINT/SIGTERM: /readyz turns 503, then after `drainDelayMs` `close` runs (it stops taking
 * requests, lets the ones in flight and the running jobs finish, flushes the embedded database)
 * and the process exits 0; if that takes longer than `timeoutMs`, it exits 1.
 */
export function onShutdown(log: Logger, close: () => Promise<void>, settings: ShutdownSettings = { drainDelayMs: 0, timeoutMs: 15_000 }): void {
  const handler = (signal: string) => {
    if (draining) return;
    draining = true;
    log.info(`${signal}: draining for ${settings.drainDelayMs} ms, then shutting down`);
    const force = setTimeout(() => {
      log.error(`shutdown took longer than ${settings.timeoutMs} ms: exiting`);
      process.exit(1);
    }, settings.drainDelayMs + settings.timeoutMs);
    force.unref();
    wait(settings.drainDelayMs).then(close).then(() => {
      log.info('shut down cleanly');
      process.exit(0);
    }, (error) => {
      log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    });
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
}
