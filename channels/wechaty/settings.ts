import type { WechatyOptions } from 'wechaty';
import type { Logger } from '../../src/log.ts';
import { optional, type Env } from '../../src/env.ts';

/** A ready puppet object (tests pass a PuppetMock); production names a puppet package instead. */
export type PuppetInstance = Exclude<NonNullable<WechatyOptions['puppet']>, string>;

export interface WechatySettings {
  /** Puppet package name (`wechaty-puppet-service`, …) or a ready puppet; unset: WeChat via Wechaty is off. */
  puppet?: string | PuppetInstance;
  /** puppetOptions.token (wechaty-puppet-service: the service token). */
  puppetToken?: string;
  /** puppetOptions.endpoint (wechaty-puppet-service: host:port of the service, skips token discovery). */
  puppetEndpoint?: string;
  /** Bot name: Wechaty keeps its session in `<name>.memory-card.json` in the working folder; unset: in memory only. */
  name?: string;
  /** Send rate once the account is warmed up. */
  maxPerMinute: number;
  /** Send rate on the account's first day. */
  warmupPerMinute: number;
  /** Days over which the rate grows linearly from warmupPerMinute to maxPerMinute; 0: no warm-up. */
  warmupDays: number;
  /** When this account started sending for jifen; the warm-up counts from it. Unset: when the adapter is created. */
  accountStartedAt?: Date;
  /** Messages the account may send back to back before the rate applies. */
  burst: number;
  /** How long a logged-out (or never logged-in) account is waited for before sends fail for good (SMS fallback). */
  logoutGraceMs: number;
  /** A send waits this long for the next token itself; a longer wait is a "rate limited" error BullMQ retries. */
  maxWaitMs: number;
  /** Delays between tries to store an incoming message when the database does not answer (nothing redelivers it). */
  storeRetryDelaysMs: readonly number[];
  log?: Logger;
  /** Clock and sleep, injected by tests. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const DEFAULTS = {
  maxPerMinute: 30, warmupPerMinute: 5, warmupDays: 7, burst: 3,
  logoutGraceMs: 15 * 60_000, maxWaitMs: 1_000, storeRetryDelaysMs: [1_000, 5_000, 30_000],
} as const;

function number(env: Env, name: string, fallback: number, { zero = false } = {}): number {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (value === 0 && !zero)) {
    throw new Error(`${name} must be a ${zero ? 'non-negative' : 'positive'} number, got "${raw}"`);
  }
  return value;
}

function date(env: Env, name: string): Date | undefined {
  const raw = optional(env, name);
  if (raw === undefined) return undefined;
  const value = new Date(raw);
  if (Number.isNaN(value.getTime())) throw new Error(`${name} must be a date (2026-03-01), got "${raw}"`);
  return value;
}

/** WeChat through Wechaty, from the environment; checked at boot like src/config.ts. */
export function wechatySettings(env: Env = process.env): WechatySettings {
  const maxPerMinute = number(env, 'WECHATY_MAX_PER_MINUTE', DEFAULTS.maxPerMinute);
  return {
    ...DEFAULTS,
    puppet: optional(env, 'WECHATY_PUPPET'),
    puppetToken: optional(env, 'WECHATY_PUPPET_TOKEN'),
    puppetEndpoint: optional(env, 'WECHATY_PUPPET_ENDPOINT'),
    name: optional(env, 'WECHATY_NAME'),
    maxPerMinute,
    // A maximum below the default warm-up rate is the rate from day one.
    warmupPerMinute: Math.min(DEFAULTS.warmupPerMinute, maxPerMinute),
    warmupDays: number(env, 'WECHATY_WARMUP_DAYS', DEFAULTS.warmupDays, { zero: true }),
    accountStartedAt: date(env, 'WECHATY_ACCOUNT_STARTED_AT'),
  };
}
