import type { Context } from '../context.ts';

export interface Reachable {
  phone: string | null;
  wechat: string | null;
  /** sms | wechat | voice: how the person likes to be reached. */
  prefers: string;
}

export interface Route {
  channel: string;
  address: string;
  /** Where the same text goes if the channel refuses it for good. */
  fallback?: { channel: string; address: string };
}

/** True when jifen really sends on the channel (a provider with credentials, not a dry run). */
const live = (context: Context, channel: string) => context.channels.sender(channel)?.dryRun === false;

/**
 * Where to reach a person: WeChat when they prefer it and jifen can send there, with their phone
 * as the fallback; otherwise SMS (calls are answered by SMS too); WeChat when it is all they have.
 */
export function routeTo(context: Context, person: Reachable): Route | undefined {
  const sms = person.phone ? { channel: 'sms', address: person.phone } : undefined;
  if (person.wechat && live(context, 'wechat') && (person.prefers === 'wechat' || !sms)) {
    return { channel: 'wechat', address: person.wechat, fallback: sms };
  }
  return sms;
}
