import { randomUUID } from 'node:crypto';
import type { ChannelAdapter, OutboundRequest, SendResult } from '../types.ts';
import { WECHAT_API_BASE_URL, WechatOfficialClient } from './client.ts';
import { mediaIdOf } from './normalize.ts';
import { wechatOfficialRoutes } from './routes.ts';
import type { WechatOfficialSettings } from './settings.ts';
import { aesKeyIsValid } from './signature.ts';
import { fillWechatTemplate, templateOf } from './templates.ts';

export interface WechatOfficialAdapter extends ChannelAdapter {
  /** The account's API client (absent in a dry run): template messages share its access token. */
  client?: WechatOfficialClient;
}

/**
 * A WeChat official account (公众号): signed XML webhooks in (plaintext or safe mode); out, a
 * template message for a kind that has one configured (a weekly notice reaches villagers
 * outside the 48-hour window), a customer-service text for everything else; a labelled dry run
 * without AppID and AppSecret.
 */
export function wechatOfficial(settings: WechatOfficialSettings): WechatOfficialAdapter {
  if (settings.encodingAesKey && !aesKeyIsValid(settings.encodingAesKey)) {
    throw new Error('WECHAT_OFFICIAL_AES_KEY must be the 43-character EncodingAESKey from the account\'s server configuration');
  }
  const apiBaseUrl = (settings.apiBaseUrl ?? WECHAT_API_BASE_URL).replace(/\/+$/, '');
  const client = settings.appId && settings.appSecret
    ? new WechatOfficialClient({ appId: settings.appId, appSecret: settings.appSecret, apiBaseUrl })
    : undefined;
  return {
    provider: 'wechat-official',
    channel: 'wechat',
    prefix: 'wechat',
    // WeChat refuses texts over 2,048 bytes of UTF-8 (errcode 45002): ~680 Chinese characters; keep a margin.
    capabilities: { maxLength: 600, media: false },
    dryRun: client === undefined,
    client,
    async send(message: OutboundRequest): Promise<SendResult> {
      if (!client) return { status: 'dry_run' };
      const template = templateOf(settings.templates ?? {}, message);
      // A template send's msgid comes back with its final status (TEMPLATESENDJOBFINISH).
      const { msgid } = template ? await client.sendTemplate(fillWechatTemplate(template, message)) : await client.sendText(message.to, message.text);
      // The customer-service API returns no id; one of our own keeps providerId unique.
      return { status: 'sent', providerId: msgid ?? `wechat-official-${randomUUID()}` };
    },
    async fetchMedia(url: string) {
      const mediaId = mediaIdOf(apiBaseUrl, url);
      return mediaId === undefined || !client ? undefined : client.getMedia(mediaId);
    },
    routes: wechatOfficialRoutes({ token: settings.token, encodingAesKey: settings.encodingAesKey, appId: settings.appId, apiBaseUrl, now: settings.now }),
  };
}

export { WECHAT_API_BASE_URL, WechatOfficialClient, type TemplateMessage } from './client.ts';
export { wechatOfficialSettings, type WechatOfficialSettings } from './settings.ts';
export { parseWechatTemplates, type WechatTemplate } from './templates.ts';
