/** The transcript feed's settings, read from the environment at boot. */
export interface TranscriptSettings {
  /** Shared secret the sender signs each body with (HMAC-SHA256); unset: every post is refused. */
  secret?: string;
}

/** JIFEN_TRANSCRIPT_SECRET; blank counts as unset. */
export function transcriptSettings(env: Record<string, string | undefined> = process.env): TranscriptSettings {
  const secret = env.JIFEN_TRANSCRIPT_SECRET?.trim();
  return { secret: secret ? secret : undefined };
}
