import { randomUUID } from 'node:crypto';
import { qqKeys, signQq } from '../../channels/qq/signature.ts';
import type { Harness } from './jifen.ts';
import { FAKE_QQ_SECRET } from './fake-qq.ts';

const keys = qqKeys(FAKE_QQ_SECRET);

export interface QqPost {
  /** user:<openid> or group:<group>:<member>. */
  from: string;
  content: string;
  /** The message id (d.id); a new one by default. */
  id?: string;
  /** When the villager wrote it (d.timestamp); now by default. */
  at?: Date;
}

/** The platform's event for a message from `from`, as JSON text. */
export function qqEvent({ from, content, id = `ROBOT1.0_${randomUUID()}`, at = new Date() }: QqPost): string {
  const [kind, first, second] = from.split(':');
  const d = kind === 'user'
    ? { author: { user_openid: first }, content, id, timestamp: at.toISOString() }
    : { author: { member_openid: second }, group_openid: first, content: ` ${content}`, id, timestamp: at.toISOString() };
  return JSON.stringify({ op: 0, id: `${kind === 'user' ? 'C2C' : 'GROUP_AT'}_MESSAGE_CREATE:${randomUUID()}`, d, t: kind === 'user' ? 'C2C_MESSAGE_CREATE' : 'GROUP_AT_MESSAGE_CREATE' });
}

/** Posts a body to /channels/qq signed as the platform signs it (with the fake bot's secret, now, or `signWith`). */
export async function postToQq(jifen: Pick<Harness, 'app'>, body: string, signWith = keys) {
  const timestamp = String(Math.floor(Date.now() / 1000));
  return jifen.app.inject({
    method: 'POST', url: '/channels/qq', payload: body,
    headers: { 'content-type': 'application/json', 'x-signature-timestamp': timestamp, 'x-signature-ed25519': signQq(signWith, timestamp + body) },
  });
}
