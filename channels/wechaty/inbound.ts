import type { types } from 'wechaty';
import type { MessageInterface } from 'wechaty/impls';
import type { Attachment } from '../../src/db/schema/messages.ts';
import type { NormalizedInbound } from '../types.ts';

/** wechaty-puppet's message types jifen reads; the annotation makes tsc check the numbers against wechaty's enum. */
const TYPE: { Audio: types.Message.Audio; Image: types.Message.Image; Text: types.Message.Text } = { Audio: 2, Image: 6, Text: 7 };
/** file-box's FileBoxType.Url: a box that is a link (its toJSON() has the url). */
const FILE_BOX_URL = 2;

export type InboundOutcome = { accepted: NormalizedInbound } | { ignored: string };

/** PostgreSQL text cannot hold NUL. */
const clean = (text: string) => text.replaceAll('\u0000', '');

/** What is known of a message's file: its name, type and link (when the puppet gives one). */
async function describeFile(message: MessageInterface): Promise<Record<string, unknown>> {
  try {
    const box = await message.toFileBox();
    const url = box.type === FILE_BOX_URL ? (box.toJSON() as { url?: string }).url : undefined;
    return { name: box.name, mediaType: box.mediaType, ...(url ? { url } : {}) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/**
 * A file is kept by reference (`wechaty-file:<message id>`): puppets' links expire, the message id lets
 * the file be fetched again through the bot while the puppet still has it.
 */
const FILE_REFERENCE = 'wechaty-file:';

async function attachment(message: MessageInterface, contentType: (file: Record<string, unknown>) => string) {
  const file = await describeFile(message);
  const attachments: Attachment[] = [{ url: `${FILE_REFERENCE}${message.id}`, contentType: contentType(file) }];
  return { file, attachments };
}

/** The message id of a `wechaty-file:` reference; undefined for any other URL. */
export function fileReferenceId(url: string): string | undefined {
  return url.startsWith(FILE_REFERENCE) && url.length > FILE_REFERENCE.length ? url.slice(FILE_REFERENCE.length) : undefined;
}

/** WeChat records voice as SILK (.sil), which no MIME table knows: say so to the speech service. */
export function mediaTypeOf(name: string, mediaType: string): string {
  return name.toLowerCase().endsWith('.sil') ? 'audio/silk' : mediaType;
}

const imageType = (file: Record<string, unknown>) =>
  typeof file.mediaType === 'string' && file.mediaType.startsWith('image/') ? file.mediaType : 'image';

/**
 * One Wechaty message → what jifen stores, or why it is ignored. A private chat is always read; in a
 * group chat only text that @-mentions the bot, without the mention, and the group is marked (raw.room,
 * recipient = the room) so answers go to the sender privately, never into the group.
 */
export async function toInbound(message: MessageInterface, selfId: string): Promise<InboundOutcome> {
  if (message.self()) return { ignored: 'sent by the bot itself' };
  const type = message.type();
  const room = message.room();
  if (room) {
    if (type !== TYPE.Text) return { ignored: `group message of type ${type}` };
    if (!(await message.mentionSelf())) return { ignored: 'group message without @-mention of the bot' };
  }
  const talker = message.talker();
  const base = {
    channel: 'wechat', externalId: message.id, sender: talker.id, recipient: room ? room.id : selfId,
    receivedAt: message.date(),
  };
  const raw = { roomId: room?.id, ...(room ? { room: true } : {}), talkerName: talker.name() };
  switch (type) {
    case TYPE.Text: {
      const text = room ? await message.mentionText() : message.text();
      return { accepted: { ...base, text: clean(text), attachments: [], raw: { type: 'text', ...raw } } };
    }
    case TYPE.Image: {
      const { file, attachments } = await attachment(message, imageType);
      return { accepted: { ...base, text: '', attachments, raw: { type: 'image', ...raw, file } } };
    }
    case TYPE.Audio: {
      // The core has it heard by the speech service, if one is configured, else asks the sender to type or call.
      const { file, attachments } = await attachment(message, () => 'voice');
      return { accepted: { ...base, text: '', attachments, raw: { type: 'voice', ...raw, file } } };
    }
    default:
      return { ignored: `message of type ${type}` };
  }
}
