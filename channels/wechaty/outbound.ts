import type { WechatyInterface } from 'wechaty/impls';
import { PermanentSendError } from '../types.ts';

export interface Conversation {
  say(text: string): Promise<{ id: string } | void>;
}

/** WeChat group ids end in @chatroom (the mock puppet, like the real ones, tells them by the @). */
const isRoomId = (id: string) => id.includes('@');

/**
 * The contact or group a message goes to. Wechaty's find() answers undefined, not an error, when the
 * puppet knows no such id: that is a wrong address, which retrying cannot mend.
 */
export async function findConversation(bot: WechatyInterface, to: string): Promise<Conversation> {
  const id = to.trim();
  // find({ id: '' }) would fall back to a search over every contact.
  if (!id) throw new PermanentSendError('no WeChat id to send to');
  const found = isRoomId(id) ? await bot.Room.find({ id }) : await bot.Contact.find({ id });
  if (!found) throw new PermanentSendError(`WeChat ${isRoomId(id) ? 'group' : 'contact'} ${id} is unknown to this account`);
  return found;
}
