import { optional, type Env } from '../../src/env.ts';
import { parseWechatTemplates, type WechatTemplate } from './templates.ts';

/** What the official-account adapter needs; every field is optional so a deployment can run without WeChat. */
export interface WechatOfficialSettings {
  /** The Token of the account's server configuration (服务器配置): verifies WeChat's signatures. */
  token?: string;
  /** EncodingAESKey (43 characters): decrypts messages in safe mode (安全模式). */
  encodingAesKey?: string;
  /** AppID and AppSecret: fetch the access token for sending. Without both, sending is a dry run. */
  appId?: string;
  appSecret?: string;
  /** Defaults to https://api.weixin.qq.com; tests and fixed-IP proxies point it elsewhere. */
  apiBaseUrl?: string;
  /** A template message per jifen message kind ('weekly_balance' …): they reach villagers outside the 48-hour window. */
  templates?: Record<string, WechatTemplate>;
  /** Milliseconds since the epoch, for the replay window; tests move it. */
  now?: () => number;
}

export function wechatOfficialSettings(env: Env): WechatOfficialSettings {
  return {
    token: optional(env, 'WECHAT_OFFICIAL_TOKEN'),
    encodingAesKey: optional(env, 'WECHAT_OFFICIAL_AES_KEY'),
    appId: optional(env, 'WECHAT_OFFICIAL_APP_ID'),
    appSecret: optional(env, 'WECHAT_OFFICIAL_APP_SECRET'),
    apiBaseUrl: optional(env, 'WECHAT_API_BASE_URL'),
    templates: parseWechatTemplates(optional(env, 'WECHAT_OFFICIAL_TEMPLATES')),
  };
}
