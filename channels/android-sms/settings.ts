import { optional, type Env } from '../../src/env.ts';

/** What the SMS Gateway for Android adapter needs; every field is optional so a deployment can run without it. */
export interface AndroidSmsSettings {
  /**
   * The gateway's API: the phone itself in local server mode (`http://192.168.1.20:8080`) or the
   * cloud server (`https://api.sms-gate.app/3rdparty/v1`, the default) or a private one.
   */
  url?: string;
  /** The username and password the app shows (Home tab). Without both, sending is a dry run. */
  user?: string;
  password?: string;
  /** The app's webhook signing key (Settings → Webhooks → Signing Key). Unset: every webhook is refused. */
  signingKey?: string;
  /** How long one API call may take, in milliseconds. */
  timeoutMs?: number;
}

/** ANDROID_SMS_URL, ANDROID_SMS_USER, ANDROID_SMS_PASSWORD, ANDROID_SMS_SIGNING_KEY; blank counts as unset. */
export function androidSmsSettings(env: Env = process.env): AndroidSmsSettings {
  const url = optional(env, 'ANDROID_SMS_URL');
  if (url !== undefined && !/^https?:\/\/[^/\s]+/i.test(url)) {
    throw new Error(`ANDROID_SMS_URL must be http(s)://…: the phone (http://192.168.1.20:8080) or the cloud server, got "${url}"`);
  }
  return {
    url,
    user: optional(env, 'ANDROID_SMS_USER'),
    password: optional(env, 'ANDROID_SMS_PASSWORD'),
    signingKey: optional(env, 'ANDROID_SMS_SIGNING_KEY'),
  };
}
