import { optional, type Env } from './env.ts';
import type { ShutdownSettings } from './shutdown.ts';

/** How jifen behaves under load and when it stops (docs/operations.md). */
export interface OperationsSettings {
  shutdown: ShutdownSettings;
  /** Requests per minute one client address may make to /api/… and /metrics (API_RATE_LIMIT). */
  apiPerMinute: number;
  /** `npm run worker` serves /metrics on this port when set (METRICS_PORT); `npm start` serves it on PORT. */
  metricsPort?: number;
  /** Messages one sender may send in a minute that are answered (FLOOD_MAX_PER_MINUTE); the rest are only stored. */
  floodPerMinute: number;
  /** How long a webhook waits for PostgreSQL to store a message before spooling it to disk (INBOUND_STORE_TIMEOUT_MS). */
  inboundStoreTimeoutMs: number;
  /** How often the spool is imported while it has files (SPOOL_IMPORT_EVERY_MS); backs off while PostgreSQL is unreachable. */
  spoolImportEveryMs: number;
}

function count(env: Env, name: string, fallback: number, minimum = 0): number {
  const raw = optional(env, name);
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < minimum) throw new Error(`${name} must be a whole number ≥ ${minimum}, got "${raw}"`);
  return value;
}

export function operationsSettings(env: Env): OperationsSettings {
  return {
    shutdown: { drainDelayMs: count(env, 'SHUTDOWN_DRAIN_MS', 5_000), timeoutMs: count(env, 'SHUTDOWN_TIMEOUT_MS', 25_000, 1) },
    apiPerMinute: count(env, 'API_RATE_LIMIT', 120, 1),
    metricsPort: optional(env, 'METRICS_PORT') === undefined ? undefined : count(env, 'METRICS_PORT', 0),
    floodPerMinute: count(env, 'FLOOD_MAX_PER_MINUTE', 10, 1),
    // Below WeChat's 5 s and Twilio's 15 s: past the provider's own timeout an answer comes too late.
    inboundStoreTimeoutMs: count(env, 'INBOUND_STORE_TIMEOUT_MS', 4_000, 1),
    spoolImportEveryMs: count(env, 'SPOOL_IMPORT_EVERY_MS', 5_000, 1),
  };
}
