import { optional, type Env } from '../../src/env.ts';

/** What the QQ bot adapter needs; without the secret its webhook refuses everything, without the AppID sending is a dry run. */
export interface QqSettings {
  /** The bot's AppID (机器人ID). */
  appId?: string;
  /** The bot secret (AppSecret): signs and verifies the webhook, and gets the access token. */
  secret?: string;
  /** Defaults to https://api.sgroup.qq.com; tests point it at a local fake. */
  apiBaseUrl?: string;
  /** Defaults to https://bots.qq.com/app/getAppAccessToken. */
  tokenUrl?: string;
}

export function qqSettings(env: Env): QqSettings {
  return {
    appId: optional(env, 'QQ_BOT_APP_ID'),
    secret: optional(env, 'QQ_BOT_SECRET'),
    apiBaseUrl: optional(env, 'QQ_API_BASE_URL'),
    tokenUrl: optional(env, 'QQ_TOKEN_URL'),
  };
}
