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
  };
}
