import type { Config } from '../src/config.ts';
import type { Logger } from '../src/log.ts';
import { aliyunSms } from './aliyun-sms/index.ts';
import { androidSms } from './android-sms/index.ts';
import { qqBot } from './qq/index.ts';
import { transcriptFeed } from './transcripts/index.ts';
import { twilioSms } from './twilio/index.ts';
import { twilioVoice } from './twilio/voice.ts';
import { wechatOfficial } from './wechat-official/index.ts';
import { wechatyFromSettings } from './wechaty/index.ts';
import type { ChannelAdapter, Media } from './types.ts';

/**
 * Every provider jifen speaks through. Several may serve one channel (SMS by Twilio or Aliyun,
 * WeChat by Wechaty or the official account); the first configured one of a channel sends on it.
 */
export class Channels {
  constructor(readonly adapters: readonly ChannelAdapter[]) {}

  /** The adapter that sends on a channel: the first with credentials, else the first that can send (a dry run). */
  sender(channel: string): ChannelAdapter | undefined {
    const able = this.adapters.filter((adapter) => adapter.channel === channel && adapter.send);
    return able.find((adapter) => !adapter.dryRun) ?? able[0];
  }

  /** The file behind an attachment of a message on `channel`, from the provider that carried it; undefined if none can fetch it. */
  async fetchMedia(channel: string, url: string): Promise<Media | undefined> {
    for (const adapter of this.adapters) {
      if (adapter.channel !== channel || !adapter.fetchMedia) continue;
      const media = await adapter.fetchMedia(url);
      if (media) return media;
    }
    return undefined;
  }
}

/** Adding a provider is its folder and one line here; the official account comes before a Wechaty bot. */
export function createChannels(config: Config, log: Logger): Channels {
  return new Channels([
    twilioSms({ ...config.twilio, publicUrl: config.publicUrl }),
    aliyunSms(config.aliyunSms),
    androidSms(config.androidSms),
    twilioVoice({ ...config.twilio, publicUrl: config.publicUrl }),
    transcriptFeed(config.transcripts),
    wechatOfficial(config.wechatOfficial),
    ...optional(wechatyFromSettings({ ...config.wechaty, log })),
    qqBot(config.qq),
  ]);
}

/** A provider that is off unless configured. */
const optional = <T>(adapter: T | undefined): T[] => (adapter ? [adapter] : []);

export type { ChannelAdapter } from './types.ts';
