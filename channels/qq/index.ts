import { PermanentSendError, type ChannelAdapter, type OutboundRequest, type SendResult } from '../types.ts';
import { QqClient } from './client.ts';
import { parseQqAddress, type QqAddress } from './normalize.ts';
import { qqRoutes } from './routes.ts';
import type { QqSettings } from './settings.ts';

/**
 * How long after a villager's message the platform takes a passive reply to it: 60 minutes in a
 * private chat, 5 in a group (less a margin for the trip). Active messages (主动消息) are no longer
 * offered (since 2025-04-21), so anything else is refused here and goes to its fallback (SMS).
 * https://bot.q.qq.com/wiki/develop/api-v2/server-inter/message/send-receive/send.html
 */
const REPLY_WINDOW_MS = { user: 60 * 60_000, group: 5 * 60_000 } as const;
const MARGIN_MS = 20_000;

export interface QqAdapterOptions extends QqSettings {
  now?: () => number;
}

function checkWindow(to: QqAddress, message: OutboundRequest, now: number): NonNullable<OutboundRequest['replyTo']> {
  const reply = message.replyTo;
  if (!reply) throw new PermanentSendError('QQ takes only replies to a villager\'s message; this one starts a conversation');
  if (now - new Date(reply.at).getTime() > REPLY_WINDOW_MS[to.kind] - MARGIN_MS) {
    throw new PermanentSendError(`QQ reply window over (${REPLY_WINDOW_MS[to.kind] / 60_000} min after the message)`);
  }
  return reply;
}

/** The official QQ bot platform (QQ机器人开放平台): signed JSON webhooks in, passive text replies out; a dry run without AppID and secret. */
export function qqBot(settings: QqAdapterOptions): ChannelAdapter {
  const now = settings.now ?? Date.now;
  const client = settings.appId && settings.secret
    ? new QqClient({ appId: settings.appId, clientSecret: settings.secret, apiBaseUrl: settings.apiBaseUrl, tokenUrl: settings.tokenUrl, now })
    : undefined;
  return {
    provider: 'qq-bot',
    channel: 'qq',
    prefix: 'qq',
    // Kept well under the platform's limit on a text message.
    capabilities: { maxLength: 1000, media: false },
    dryRun: client === undefined,
    async send(message: OutboundRequest): Promise<SendResult> {
      const to = parseQqAddress(message.to);
      if (!to) throw new PermanentSendError(`not a QQ address: ${message.to}`);
      const reply = checkWindow(to, message, now());
      if (!client) return { status: 'dry_run' };
      return { status: 'sent', providerId: await client.sendText(to, message.text, { msgId: reply.id, seq: reply.seq }) };
    },
    routes: qqRoutes({ secret: settings.secret, now: () => Math.floor(now() / 1000) }),
  };
}

export { QqClient, QQ_API_BASE_URL, QQ_TOKEN_URL } from './client.ts';
export { qqSettings, type QqSettings } from './settings.ts';
