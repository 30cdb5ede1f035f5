import { describe, expect, it } from 'vitest';
import { createChannels } from '../../channels/index.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { sendingChannels } from '../../workers/index.ts';

const channelsOf = (env: Record<string, string | undefined>) => createChannels(loadConfig({ LOG_LEVEL: 'silent', ...env }), createLogger('silent'));
const officialAccount = { WECHAT_OFFICIAL_TOKEN: 't', WECHAT_OFFICIAL_APP_ID: 'wx-app', WECHAT_OFFICIAL_APP_SECRET: 'secret' };

describe('which channels a process sends on', () => {
  it.each([
    { label: 'no WeChat provider: both, anywhere', env: {}, server: ['sms', 'wechat', 'qq'], worker: ['sms', 'wechat', 'qq'] },
    { label: 'a Wechaty bot sends WeChat: only the process that runs it', env: { WECHATY_PUPPET: 'wechaty-puppet-mock' }, server: ['sms', 'wechat', 'qq'], worker: ['sms', 'qq'] },
    { label: 'the official account sends WeChat (before the bot): any process', env: { ...officialAccount, WECHATY_PUPPET: 'wechaty-puppet-mock' }, server: ['sms', 'wechat', 'qq'], worker: ['sms', 'wechat', 'qq'] },
  ])('$label', ({ env, server, worker }) => {
    const channels = channelsOf(env);
    expect(sendingChannels(channels, true)).toEqual(server);
    expect(sendingChannels(channels, false)).toEqual(worker);
  });
});
