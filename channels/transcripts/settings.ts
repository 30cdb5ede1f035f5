import { optional, type Env } from '../../src/env.ts';

/** The transcript feed's settings, read from the environment at boot. */
export interface TranscriptSettings {
  /** Shared secret the sender signs each body with (HMAC-SHA256); unset: every post is refused. */
  secret?: string;
  /** Milliseconds since the epoch, for the replay window; tests move it. */
  now?: () => number;
}

/** JIFEN_TRANSCRIPT_SECRET; blank counts as unset. */
export function transcriptSettings(env: Env = process.env): TranscriptSettings {
  return { secret: optional(env, 'JIFEN_TRANSCRIPT_SECRET') };
}
