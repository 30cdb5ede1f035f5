import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { log as wechatyLog } from 'wechaty';
import { mock, PuppetMock } from 'wechaty-puppet-mock';
import type { WechatyChannel } from '../../channels/wechaty/index.ts';
import { wechatySettings } from '../../channels/wechaty/settings.ts';
import { startChannels } from '../../src/messages/host.ts';
import { testBackend } from '../support/backend.ts';
import { lastInbound, startJifen, type Harness } from '../support/jifen.ts';

const BOT = 'wxid_jifen_bot';
const GUIFANG = 'wxid_fnp_h001'; // 阳桂芳, FNP-001, prefers WeChat

describe(`WeChat through a Wechaty bot (${testBackend})`, () => {
  let jifen: Harness;
  let stopChannels: () => Promise<void>;
  const mocker = new mock.Mocker();
  beforeAll(async () => {
    wechatyLog.level('silent');
    jifen = await startJifen({ config: { wechaty: { ...wechatySettings({}), puppet: new PuppetMock({ mocker }) } } });
    stopChannels = await startChannels(jifen.context);
    const adapter = jifen.context.channels.adapters.find((a) => a.provider === 'wechaty') as WechatyChannel;
    mocker.login(mocker.createContact({ id: BOT, name: '放牛坪积分' }));
    await adapter.session.waitFor('online');
  });
  afterAll(async () => {
    await stopChannels?.();
    await jifen?.close();
  });

  it('a villager writes to the bot and gets the answer back on WeChat', async () => {
    const guifang = mocker.createContact({ id: GUIFANG, name: '阳桂芳' });
    const answer = new Promise<string>((resolve) => {
      guifang.on('message', (message) => { if (message.payload.talkerId === BOT) resolve(message.payload.text ?? ''); });
    });
    mocker.MessageMock.create({ id: '880001', type: 7, talkerId: GUIFANG, listenerId: BOT, text: '查积分', timestamp: Date.now() } as never);
    mocker.puppet.emit('message', { messageId: '880001' });
    expect(await answer).toBe('FNP-001 当前积分余额 0分，累计获得 0分');
    expect(await lastInbound(jifen.context, GUIFANG)).toMatchObject({ channel: 'wechat', text: '查积分', outcome: 'balance' });
  });
});
