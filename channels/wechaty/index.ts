import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { MessageInterface, WechatyInterface } from 'wechaty/impls';
import { createLogger } from '../../src/log.ts';
import type { ChannelAdapter, ChannelHost, Media, NormalizedInbound, OutboundRequest, SendResult } from '../types.ts';
import { buildBot } from './bot.ts';
import { fileReferenceId, mediaTypeOf, toInbound } from './inbound.ts';
import { findConversation } from './outbound.ts';
import { WarmupRateLimiter } from './rate-limit.ts';
import { LoginSession } from './session.ts';
import type { WechatySettings } from './settings.ts';

export { wechatySettings, type WechatySettings } from './settings.ts';

export interface WechatyChannel extends ChannelAdapter {
  /** Whether the account is logged in; tests and health checks wait on it. */
  readonly session: LoginSession;
}

/** Without the process's logger: jifen's, on stderr, so the CLI's --json output on stdout stays clean. */
const defaultLog = () => createLogger(process.env.LOG_LEVEL ?? 'info', process.stderr);

/** The Wechaty adapter when a puppet is configured; otherwise none, and a log line says WeChat via Wechaty is off. */
export function wechatyFromSettings(settings: WechatySettings): WechatyChannel | undefined {
  if (settings.puppet) return wechatyChannel(settings);
  (settings.log ?? defaultLog()).info('WeChat via Wechaty is off: WECHATY_PUPPET is not set');
  return undefined;
}

/**
 * WeChat through a Wechaty bot: a connection of its own (no webhooks), started with the server.
 * Private messages and @-mentions in groups come in; text goes out to a contact (or group), paced by
 * a warming-up rate limit that protects the account. A bot that cannot start or log in is logged and
 * leaves the rest of jifen running; its sends wait, then fail for good so the core falls back to SMS.
 */
export function wechatyChannel(settings: WechatySettings): WechatyChannel {
  const now = settings.now ?? Date.now;
  const sleep = settings.sleep ?? ((ms: number) => delay(ms));
  const log = (settings.log ?? defaultLog()).child({ channel: 'wechat', provider: 'wechaty' });
  const session = new LoginSession(now, settings.logoutGraceMs);
  const limiter = new WarmupRateLimiter({
    warmupPerMinute: settings.warmupPerMinute, maxPerMinute: settings.maxPerMinute, warmupDays: settings.warmupDays,
    burst: settings.burst, startedAt: settings.accountStartedAt?.getTime() ?? now(),
  }, now());
  let bot: WechatyInterface | undefined;
  let starting: Promise<void> | undefined;
  const handling = new Set<Promise<void>>();

  async function store(host: ChannelHost, inbound: NormalizedInbound): Promise<void> {
    // Nothing redelivers a WeChat message jifen failed to store: try again for a while before giving up.
    for (let attempt = 0; ; attempt++) {
      try {
        const { id, duplicate } = await host.acceptInbound(inbound);
        log.info({ wechatyId: inbound.externalId, messageId: id, duplicate }, 'wechat message stored');
        return;
      } catch (error) {
        const wait = settings.storeRetryDelaysMs[attempt];
        if (wait === undefined) {
          log.error({ err: error, wechatyId: inbound.externalId, sender: inbound.sender }, 'wechat message lost: it could not be stored');
          return;
        }
        log.warn({ err: error, wechatyId: inbound.externalId, retryInMs: wait }, 'wechat message not stored yet');
        await sleep(wait);
      }
    }
  }

  async function onMessage(host: ChannelHost, started: WechatyInterface, message: MessageInterface): Promise<void> {
    try {
      const outcome = await toInbound(message, started.currentUser.id);
      if ('ignored' in outcome) log.debug({ wechatyId: message.id, reason: outcome.ignored }, 'wechat message ignored');
      else await store(host, outcome.accepted);
    } catch (error) {
      log.warn({ err: error, wechatyId: message.id }, 'wechat message could not be read');
    }
  }

  function listen(host: ChannelHost, started: WechatyInterface, wechaty: typeof import('wechaty')): void {
    // Stopping the puppet reports a logout: events of a bot that is no longer ours change nothing.
    const current = () => bot === started;
    // An 'error' event without a listener would throw and end the process.
    started.on('error', (error) => log.warn({ err: error }, 'wechaty error'));
    started.on('scan', (qrcode, status) => {
      log.warn({ status: wechaty.ScanStatus[status], url: wechaty.qrcodeValueToImageUrl(qrcode) }, 'WeChat login needed: scan the QR code with the account\'s phone');
    });
    started.on('login', (user) => {
      if (!current()) return;
      session.set('online');
      log.info({ wechatId: user.id }, 'WeChat account logged in');
    });
    started.on('logout', (user, reason) => {
      if (!current()) return;
      session.set('offline', { detail: reason });
      log.warn({ wechatId: user.id, reason }, 'WeChat account logged out: sends wait for it to log in again, then fall back to SMS');
    });
    started.on('message', (message) => {
      if (!current()) {
        log.warn({ wechatyId: message.id }, 'wechat message arrived while stopping: not stored');
        return;
      }
      const handled = onMessage(host, started, message).finally(() => handling.delete(handled));
      handling.add(handled);
    });
  }

  return {
    provider: 'wechaty',
    channel: 'wechat',
    prefix: 'wechaty',
    capabilities: { maxLength: 2000, media: true },
    dryRun: false,
    session,

    /** Never throws: a bot that cannot start is logged and jifen runs on without it. */
    async start(host: ChannelHost): Promise<void> {
      if (bot || starting || session.state === 'failed') return;
      session.set('starting');
      starting = (async () => {
        try {
          const built = await buildBot(settings);
          bot = built.bot;
          listen(host, bot, built.wechaty);
          // Wechaty reports a puppet that fails to start as an 'error' event and gives up waiting for it after 15 s.
          await bot.start();
          if (session.state === 'starting') log.info('Wechaty started: waiting for the WeChat account to log in');
        } catch (error) {
          session.set('failed', { detail: (error as Error).message });
          log.error({ err: error }, 'WeChat via Wechaty could not start: jifen runs on without it');
        }
      })();
      await starting;
      starting = undefined;
    },

    async stop(): Promise<void> {
      await starting;
      const stopping = bot;
      bot = undefined;
      session.set('stopped');
      await Promise.allSettled([...handling]);
      if (!stopping) return;
      try {
        await stopping.stop();
      } catch (error) {
        log.warn({ err: error }, 'Wechaty did not stop cleanly');
      }
    },

    /** A voice note's (or image's) file by its `wechaty-file:` reference, while the puppet still has it. */
    async fetchMedia(url: string): Promise<Media | undefined> {
      const id = fileReferenceId(url);
      if (id === undefined) return undefined;
      if (!bot) throw new Error('WeChat (Wechaty) is not running in this process: its files can be fetched only where the bot runs');
      const message = await bot.Message.find({ id });
      if (!message) throw new Error(`Wechaty no longer has message ${id}`);
      const box = await message.toFileBox();
      return { data: await box.toBuffer(), contentType: mediaTypeOf(box.name, box.mediaType) };
    },

    async send(message: OutboundRequest): Promise<SendResult> {
      const blocked = session.sendBlocker();
      if (blocked || !bot) throw blocked ?? new Error('WeChat (Wechaty) is not running in this process');
      const conversation = await findConversation(bot, message.to);
      const take = limiter.take(now(), settings.maxWaitMs);
      if (!take.ok) {
        const rate = Math.round(limiter.ratePerMinute(now()) * 10) / 10;
        throw new Error(`rate limited: this WeChat account sends ${rate} messages a minute for now; next one in ${Math.ceil(take.retryAfterMs / 1000)} s`);
      }
      if (take.waitMs > 0) await sleep(take.waitMs);
      const sent = await conversation.say(message.text);
      return { status: 'sent', providerId: sent ? sent.id : `wechaty-${randomUUID()}` };
    },
  };
}
