import type { Media } from '../../channels/types.ts';
import { optional, type Env } from '../env.ts';

/** A speech-to-text service: the audio POSTed as it is (its Content-Type), `{ "text": "…" }` back. */
export interface SpeechToTextSettings {
  /** SPEECH_TO_TEXT_URL: unset, voice notes without WeChat's own recognition are answered "type or call". */
  url?: string;
  /** SPEECH_TO_TEXT_TOKEN: sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** How long one transcription may take, in milliseconds. */
  timeoutMs?: number;
}

export function speechToTextSettings(env: Env): SpeechToTextSettings {
  return { url: optional(env, 'SPEECH_TO_TEXT_URL'), token: optional(env, 'SPEECH_TO_TEXT_TOKEN') };
}

/** A voice note of a minute is a few seconds of work for a speech service. */
const TIMEOUT_MS = 20_000;

/** Hears a recording (a voice note's audio, as its provider keeps it) and returns what was said. */
export type SpeechToText = (audio: Media) => Promise<string>;

/** The configured service, or undefined when SPEECH_TO_TEXT_URL is unset. Errors say what went wrong (HTTP status, unreachable, no text). */
export function speechToText(settings: SpeechToTextSettings): SpeechToText | undefined {
  const { url, token } = settings;
  if (!url) return undefined;
  return async ({ data, contentType }) => {
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': contentType, ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: new Uint8Array(data),
        signal: AbortSignal.timeout(settings.timeoutMs ?? TIMEOUT_MS),
      });
    } catch (error) {
      throw new Error(`speech service unreachable: ${(error as Error).message}`, { cause: error });
    }
    const body = await response.text();
    if (!response.ok) throw new Error(`speech service answered HTTP ${response.status}`);
    let text: unknown;
    try {
      text = (JSON.parse(body) as { text?: unknown }).text;
    } catch {
      throw new Error('speech service answered something other than JSON');
    }
    if (typeof text !== 'string') throw new Error('speech service answered without a text');
    return text.trim();
  };
}
