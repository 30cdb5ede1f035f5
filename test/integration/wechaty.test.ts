import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { log as wechatyLog } from 'wechaty';
import { mock, PuppetMock } from 'wechaty-puppet-mock';
import type { WechatyChannel } from '../../channels/wechaty/index.ts';
import { wechatySettings } from '../../channels/wechaty/settings.ts';
import { outboundMessages } from '../../src/db/schema/index.ts';
import { startChannels } from '../../src/messages/host.ts';
import { testBackend } from '../support/backend.ts';
import { FakeSpeech } from '../support/fake-speech.ts';
import { lastInbound, startJifen, type Harness } from '../support/jifen.ts';
import { outboxIdle, sendAndSettle } from '../support/outbound.ts';

const BOT = 'wxid_jifen_bot';
const GUIFANG = 'wxid_fnp_h001'; // 阳桂芳, FNP-001, prefers WeChat
const SHULIN = 'wxid_fnp_h004'; // 李树林, FNP-004, prefers WeChat

describe(`WeChat through a Wechaty bot (${testBackend})`, () => {
  let jifen: Harness;
  let stopChannels: () => Promise<void>;
  let adapter: WechatyChannel;
  const mocker = new mock.Mocker();
  let speech: FakeSpeech;
  beforeAll(async () => {
    wechatyLog.level('silent');
    speech = await new FakeSpeech().start();
    jifen = await startJifen({ config: { wechaty: { ...wechatySettings({}), puppet: new PuppetMock({ mocker }) }, speechToText: { url: speech.url } } });
    stopChannels = await startChannels(jifen.context);
    adapter = jifen.context.channels.adapters.find((a) => a.provider === 'wechaty') as WechatyChannel;
    mocker.login(mocker.createContact({ id: BOT, name: '放牛坪积分' }));
    await adapter.session.waitFor('online');
  });
  afterAll(async () => {
    await stopChannels?.();
    await jifen?.close();
    await speech?.stop();
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

  it('a voice note is heard by the speech service and answered like the words it says', async () => {
    const shulin = mocker.createContact({ id: SHULIN, name: '李树林' });
    const answers: string[] = [];
    shulin.on('message', (message) => { if (message.payload.talkerId === BOT) answers.push(message.payload.text ?? ''); });
    speech.heard = '查积分';
    mocker.cacheFileBoxPayload.set('880002', { type: 1, boxType: 1, name: '880002.sil', base64: 'AiMhU0lMS19WMw==', size: 11, metadata: {} } as never);
    mocker.MessageMock.create({ id: '880002', type: 2, talkerId: SHULIN, listenerId: BOT, timestamp: Date.now() } as never);
    mocker.puppet.emit('message', { messageId: '880002' });
    await jifen.waitFor(async () => answers.includes('FNP-004 当前积分余额 0分，累计获得 0分') && true, 'the balance answered');
    expect(speech.requests).toEqual([{ contentType: 'audio/silk', authorization: undefined, audio: Buffer.from('AiMhU0lMS19WMw==', 'base64').toString('utf8') }]);
    expect(await lastInbound(jifen.context, SHULIN)).toMatchObject({ text: '查积分', outcome: 'balance', attachments: [{ url: 'wechaty-file:880002', contentType: 'voice' }] });
  });

  it('the account logged out for a moment: the send is retried with backoff and goes out once it is back', async () => {
    const villager = 'wxid_fnp_h005'; // 张建平, FNP-005
    const received = new Promise<string>((resolve) => {
      mocker.createContact({ id: villager, name: '张建平' }).on('message', (message) => { if (message.payload.talkerId === BOT) resolve(message.payload.text ?? ''); });
    });
    await outboxIdle(jifen);
    await mocker.puppet.logout('kicked out by WeChat');
    await adapter.session.waitFor('offline');
    const settling = sendAndSettle(jifen, { dedupeKey: 'wechaty-outage', channel: 'wechat', address: villager, text: '本周记得申报积分' }, 30_000);
    await jifen.waitFor(async () => {
      const [row] = await jifen.context.db.select().from(outboundMessages).where(eq(outboundMessages.dedupeKey, 'wechaty-outage'));
      return (row?.attempts ?? 0) >= 2 && row!.status === 'pending' && row;
    }, 'the send retried while logged out');
    mocker.login(mocker.ContactMock.load(BOT));
    const sent = await settling;
    expect({ status: sent.status, error: sent.error }).toEqual({ status: 'sent', error: null });
    expect(await received).toBe('本周记得申报积分');
  });
});
