import type { WechatyInterface } from 'wechaty/impls';
import type { WechatySettings } from './settings.ts';

/**
 * A Wechaty bot on the configured puppet: a ready puppet object (tests), or a puppet package by name
 * with its token and endpoint. Wechaty is loaded here, when the bot starts, not when jifen's CLI
 * merely lists its channels: loading it takes about two seconds.
 */
export async function buildBot(settings: WechatySettings): Promise<{ bot: WechatyInterface; wechaty: typeof import('wechaty') }> {
  const wechaty = await import('wechaty');
  const { puppet, name } = settings;
  if (!puppet) throw new Error('no puppet configured (WECHATY_PUPPET)');
  if (typeof puppet !== 'string') return { bot: wechaty.WechatyBuilder.build({ puppet, name }), wechaty };
  const puppetOptions = {
    ...(settings.puppetToken ? { token: settings.puppetToken } : {}),
    ...(settings.puppetEndpoint ? { endpoint: settings.puppetEndpoint } : {}),
  };
  // Any installed puppet package may be named; Wechaty's type lists only the official ones.
  const puppetName = puppet as import('wechaty').OfficialPuppetNpmName;
  return { bot: wechaty.WechatyBuilder.build({ puppet: puppetName, puppetOptions, name }), wechaty };
}
