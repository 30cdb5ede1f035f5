import type { Attachment } from '../../src/db/schema/messages.ts';
import type { NormalizedInbound } from '../types.ts';

/** The payload is not something the QQ platform sends: answered 400. */
export class PayloadError extends Error {}

/** op codes of the webhook: 0 an event (Dispatch), 13 the callback-address verification. */
export const OP_DISPATCH = 0;
export const OP_VERIFY = 13;

/**
 * What a webhook body is: the platform checking the callback address, a message to store, or
 * another event (a friend added, active messages switched off …) that is only acknowledged.
 */
export type QqInbound =
  | { kind: 'verify'; plainToken: string; eventTs: string }
  | { kind: 'message'; message: NormalizedInbound }
  | { kind: 'event'; type: string; eventId?: string };

/**
 * A QQ address says where a passive reply goes: `user:<user_openid>` for a private chat (单聊),
 * `group:<group_openid>:<member_openid>` for a group member who @-mentioned the bot (a member's
 * openid is only valid in its group, so the group is part of who they are).
 */
export type QqAddress = { kind: 'user'; openid: string } | { kind: 'group'; groupOpenid: string; memberOpenid: string };

export const userAddress = (openid: string) => `user:${openid}`;
export const groupAddress = (groupOpenid: string, memberOpenid: string) => `group:${groupOpenid}:${memberOpenid}`;

export function parseQqAddress(address: string): QqAddress | undefined {
  const user = /^user:([\w-]+)$/.exec(address);
  if (user) return { kind: 'user', openid: user[1]! };
  const group = /^group:([\w-]+):([\w-]+)$/.exec(address);
  return group ? { kind: 'group', groupOpenid: group[1]!, memberOpenid: group[2]! } : undefined;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => !!value && typeof value === 'object' && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value : undefined);

/** PostgreSQL text cannot hold NUL. */
const withoutNul = (value: string) => value.replaceAll('\u0000', '');

/** image/jpeg → image, voice → voice, video/mp4 → video; a file keeps its own type. */
function attachmentsOf(d: Json): Attachment[] {
  const list = Array.isArray(d.attachments) ? d.attachments : [];
  return list.filter(isObject).flatMap((a) => {
    const url = text(a.url);
    if (!url) return [];
    const type = text(a.content_type) ?? 'file';
    // The platform sometimes sends its media URLs without a scheme.
    return [{ url: url.startsWith('//') ? `https:${url}` : url, contentType: type.split('/')[0] }];
  });
}

function senderOf(type: string, d: Json): string {
  const author = isObject(d.author) ? d.author : {};
  if (type === 'C2C_MESSAGE_CREATE') {
    const openid = text(author.user_openid);
    if (!openid) throw new PayloadError('C2C_MESSAGE_CREATE without author.user_openid');
    return userAddress(openid);
  }
  const [group, member] = [text(d.group_openid), text(author.member_openid)];
  if (!group || !member) throw new PayloadError('GROUP_AT_MESSAGE_CREATE without group_openid or author.member_openid');
  return groupAddress(group, member);
}

function messageOf(type: string, payload: Json): NormalizedInbound {
  const d = payload.d;
  if (!isObject(d)) throw new PayloadError(`${type} without d`);
  const externalId = text(d.id);
  if (!externalId) throw new PayloadError(`${type} without d.id (the message id)`);
  const at = text(d.timestamp) ? new Date(d.timestamp as string) : undefined;
  return {
    channel: 'qq', externalId, sender: senderOf(type, d),
    // In a group the text starts with what was left of the @-mention: a space.
    text: withoutNul(typeof d.content === 'string' ? d.content.trim() : ''),
    attachments: attachmentsOf(d),
    receivedAt: at && !Number.isNaN(at.getTime()) ? at : new Date(),
    raw: payload,
  };
}

const MESSAGE_EVENTS = new Set(['C2C_MESSAGE_CREATE', 'GROUP_AT_MESSAGE_CREATE']);

/** A webhook body (already JSON-parsed) → what it asks of jifen. */
export function normalizeQq(payload: unknown): QqInbound {
  if (!isObject(payload)) throw new PayloadError('expected a JSON object');
  if (payload.op === OP_VERIFY) {
    const d = isObject(payload.d) ? payload.d : {};
    const [plainToken, eventTs] = [text(d.plain_token), text(d.event_ts)];
    if (!plainToken || !eventTs) throw new PayloadError('op 13 without d.plain_token or d.event_ts');
    return { kind: 'verify', plainToken, eventTs };
  }
  if (payload.op !== OP_DISPATCH) throw new PayloadError(`op ${String(payload.op)} is not sent to a webhook`);
  const type = text(payload.t);
  if (!type) throw new PayloadError('op 0 without t (the event type)');
  if (MESSAGE_EVENTS.has(type)) return { kind: 'message', message: messageOf(type, payload) };
  return { kind: 'event', type, eventId: text(payload.id) };
}
