import type { Config } from '../src/config.ts';
import { twilioSms } from './twilio/index.ts';
import type { ChannelAdapter } from './types.ts';

/** Every channel jifen speaks: adding one is its folder and one line here. */
export function createChannels(config: Config): Map<string, ChannelAdapter> {
  const adapters = [
    twilioSms({ ...config.twilio, publicUrl: config.publicUrl }),
  ];
  return new Map(adapters.map((adapter) => [adapter.channel, adapter]));
}

export type { ChannelAdapter } from './types.ts';
