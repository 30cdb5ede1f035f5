import type { Attachment } from '../../src/db/schema/messages.ts';
import type { DeliveryStatus, NormalizedInbound } from '../types.ts';
import { field, PayloadError, type WechatFields } from './xml.ts';

/** A report on a template message jifen sent: its msgid and final status. */
export interface TemplateDelivery {
  providerId: string;
  status: Extract<DeliveryStatus, 'delivered' | 'failed'>;
  /** WeChat's Status when it failed: 'failed:user block', 'failed: system failed'. */
  error?: string;
}

/** A message to store, a template message's delivery report, or an event (follow, unfollow, menu click …) that is only acknowledged. */
export type WechatInbound =
  | { kind: 'message'; message: NormalizedInbound }
  | { kind: 'delivery'; delivery: TemplateDelivery }
  | { kind: 'event'; event: string; sender: string; createTime?: string };

/**
 * TEMPLATESENDJOBFINISH: Status is 'success', 'failed:user block' (the villager refuses the
 * account's template messages) or 'failed: system failed'.
 * https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Template_Message_Interface.html
 */
function templateDelivery(fields: WechatFields): TemplateDelivery {
  const providerId = field(fields, 'MsgID')?.trim();
  const status = field(fields, 'Status')?.trim();
  if (!providerId) throw new PayloadError('TEMPLATESENDJOBFINISH without MsgID');
  if (!status) throw new PayloadError('TEMPLATESENDJOBFINISH without Status');
  return status === 'success' ? { providerId, status: 'delivered' } : { providerId, status: 'failed', error: status };
}

/**
 * Media sent by MediaId is fetched from the API with an access token (valid 3 days); the URL
 * is stored without the token, which whoever downloads it adds.
 */
const mediaUrl = (apiBaseUrl: string, mediaId: string) =>
  `${apiBaseUrl}/cgi-bin/media/get?media_id=${encodeURIComponent(mediaId)}`;

/** The MediaId of a URL made by mediaUrl with the same base; undefined for any other URL. */
export function mediaIdOf(apiBaseUrl: string, url: string): string | undefined {
  const prefix = `${apiBaseUrl}/cgi-bin/media/get?`;
  if (!url.startsWith(prefix)) return undefined;
  return new URLSearchParams(url.slice(prefix.length)).get('media_id') ?? undefined;
}

/**
 * What else than text a message carries. Link and location messages are stored with text ''
 * and the link (or a geo: URI) as an attachment: a shared article's title is not the villager's
 * own words and must not be read as a claim, but the message is kept as evidence.
 */
function attachmentsOf(type: string, fields: WechatFields, apiBaseUrl: string): Attachment[] {
  const mediaId = field(fields, 'MediaId');
  switch (type) {
    case 'image': {
      const url = field(fields, 'PicUrl') || (mediaId && mediaUrl(apiBaseUrl, mediaId));
      return url ? [{ url, contentType: 'image' }] : [];
    }
    case 'voice':
      return mediaId ? [{ url: mediaUrl(apiBaseUrl, mediaId), contentType: 'voice' }] : [];
    case 'video':
    case 'shortvideo':
      return mediaId ? [{ url: mediaUrl(apiBaseUrl, mediaId), contentType: 'video' }] : [];
    case 'link': {
      const url = field(fields, 'Url');
      return url ? [{ url, contentType: 'link' }] : [];
    }
    case 'location': {
      const [latitude, longitude] = [field(fields, 'Location_X'), field(fields, 'Location_Y')];
      return latitude && longitude ? [{ url: `geo:${latitude},${longitude}`, contentType: 'location' }] : [];
    }
    default:
      return [];
  }
}

/** The villager's words: typed text, or what WeChat's speech recognition heard (when the account has it on). */
function textOf(type: string, fields: WechatFields): string {
  if (type === 'text') return field(fields, 'Content') ?? '';
  if (type === 'voice') return field(fields, 'Recognition') ?? '';
  return '';
}

/** A WeChat official-account message (decrypted if it came in safe mode) → one normalized inbound message or an event. */
export function normalizeWechat(fields: WechatFields, apiBaseUrl: string, receivedAt = new Date()): WechatInbound {
  const sender = field(fields, 'FromUserName')?.trim();
  const type = field(fields, 'MsgType')?.trim();
  const createTime = field(fields, 'CreateTime')?.trim() || undefined;
  if (!sender) throw new PayloadError('FromUserName is missing');
  if (!type) throw new PayloadError('MsgType is missing');
  if (type === 'event') {
    const event = field(fields, 'Event')?.trim() ?? '';
    if (event === 'TEMPLATESENDJOBFINISH') return { kind: 'delivery', delivery: templateDelivery(fields) };
    return { kind: 'event', event, sender, createTime };
  }
  // WeChat's advice for de-duplicating retries: MsgId, else FromUserName + CreateTime.
  const externalId = field(fields, 'MsgId')?.trim() || (createTime && `${sender}:${createTime}`);
  if (!externalId) throw new PayloadError('MsgId is missing (and no CreateTime to stand in for it)');
  const recipient = field(fields, 'ToUserName')?.trim() || undefined;
  return {
    kind: 'message',
    message: {
      channel: 'wechat', externalId, sender, recipient, text: textOf(type, fields),
      attachments: attachmentsOf(type, fields, apiBaseUrl), receivedAt, raw: { ...fields },
    },
  };
}
