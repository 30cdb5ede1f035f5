import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { log as wechatyLog } from 'wechaty';
import { mock, PuppetMock } from 'wechaty-puppet-mock';
import { wechatyChannel, wechatyFromSettings, type WechatyChannel } from '../../../channels/wechaty/index.ts';
import { wechatySettings, type WechatySettings } from '../../../channels/wechaty/settings.ts';
import { PermanentSendError, type ChannelHost, type NormalizedInbound } from '../../../channels/types.ts';
import { createLogger, maskPhones } from '../../../src/log.ts';

/** A mock message as wechaty-puppet-mock stores it (test/fixtures/wechaty/<name>.json), with its file if it has one. */
interface MessageFixture {
  description: string;
  payload: { id: string; talkerId: string; listenerId?: string; roomId?: string; text?: string; timestamp: number; type: number };
  fileBox?: Record<string, unknown>;
}
interface World {
  bot: { id: string; name: string };
  contacts: Array<{ id: string; name: string }>;
  rooms: Array<{ id: string; topic: string; memberIdList: string[] }>;
}

const read = <T>(name: string): T =>
  JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../fixtures/wechaty', `${name}.json`), 'utf8')) as T;
const world = read<World>('world');
const BOT = world.bot.id;
const LAN = 'wxid_wanglanying';
const ROOM = world.rooms[0]!.id;
const START = Date.parse('2026-03-12T06:00:00Z');

beforeAll(() => { wechatyLog.level('silent'); });

/** The core as an adapter sees it, recording what it is given; it can fail the first few stores. */
class RecordingHost implements ChannelHost {
  accepted: NormalizedInbound[] = [];
  failuresLeft = 0;
  async acceptInbound(message: NormalizedInbound) {
    if (this.failuresLeft-- > 0) throw new Error('database unavailable');
    this.accepted.push(message);
    return { id: this.accepted.length, duplicate: false };
  }
  async recordDelivery() {}
  async preview() { return { kind: 'unclear' as const, speech: '' }; }
}

type LogRecord = Record<string, unknown> & { msg: string; level: number };

/** jifen's own logger (phone masking included) writing into an array; waitFor resolves on a matching line. */
function recordingLog() {
  const records: LogRecord[] = [];
  const waiters: Array<{ match: (record: LogRecord) => boolean; resolve: (record: LogRecord) => void }> = [];
  const logger = createLogger('debug', {
    write(line: string) {
      const record = JSON.parse(line) as LogRecord;
      records.push(record);
      for (const waiter of waiters.filter((w) => w.match(record))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(record);
      }
    },
  });
  const waitFor = (match: (record: LogRecord) => boolean) => {
    const seen = records.find(match);
    return seen ? Promise.resolve(seen) : new Promise<LogRecord>((resolve) => waiters.push({ match, resolve }));
  };
  return { logger, records, waitFor };
}

const running: WechatyChannel[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((adapter) => adapter.stop?.()));
});

/** A started adapter on a fresh mock puppet with the fixture world's contacts and group; logged in unless told not to. */
async function startBot(overrides: Partial<WechatySettings> = {}, { login = true } = {}) {
  const mocker = new mock.Mocker();
  const puppet = new PuppetMock({ mocker });
  const logs = recordingLog();
  const host = new RecordingHost();
  const clock = { now: START };
  const sleeps: number[] = [];
  const adapter = wechatyChannel({
    ...wechatySettings({}), puppet, log: logs.logger, now: () => clock.now,
    sleep: async (ms) => { sleeps.push(ms); }, storeRetryDelaysMs: [0], ...overrides,
  });
  running.push(adapter);
  await adapter.start!(host);
  const me = mocker.createContact(world.bot);
  const contacts = Object.fromEntries(world.contacts.map((payload) => [payload.id, mocker.createContact(payload)]));
  const rooms = Object.fromEntries(world.rooms.map((payload) => [payload.id, mocker.createRoom(payload)]));
  if (login) {
    mocker.login(me);
    await adapter.session.waitFor('online');
  }
  /** Hands a fixture message to the bot the way a puppet does, and waits until the adapter stored or ignored it. */
  const deliver = async (fixture: MessageFixture) => {
    if (fixture.fileBox) mocker.cacheFileBoxPayload.set(fixture.payload.id, fixture.fileBox as never);
    mocker.MessageMock.create(fixture.payload as never);
    puppet.emit('message', { messageId: fixture.payload.id });
    return handled(fixture.payload.id);
  };
  // Log lines mask digit runs like phone numbers, WeChat's numeric message ids included.
  const handled = (wechatyId: string) => logs.waitFor((record) => record.wechatyId === maskPhones(wechatyId)
    && ['wechat message stored', 'wechat message ignored', 'wechat message lost: it could not be stored'].includes(record.msg));
  return { mocker, puppet, adapter, host, logs, clock, sleeps, me, contacts, rooms, deliver, handled };
}

type Expected = Omit<NormalizedInbound, 'raw' | 'channel' | 'externalId'> & { raw: Record<string, unknown> };

const inboundRows: Array<{ fixture: string; expected: Expected | { ignored: string } }> = [
  {
    fixture: 'text-private',
    expected: {
      sender: LAN, recipient: BOT, text: '今天把院坝扫干净了', attachments: [], receivedAt: new Date('2026-03-12T06:05:00Z'),
      raw: { type: 'text', roomId: undefined, talkerName: '王兰英' },
    },
  },
  {
    fixture: 'image-private',
    expected: {
      sender: LAN, recipient: BOT, text: '', receivedAt: new Date('2026-03-12T06:06:00Z'),
      attachments: [{ url: 'wechaty-file:3791207745813624002', contentType: 'image/jpeg' }],
      raw: { type: 'image', file: { name: '3791207745813624002.jpg', mediaType: 'image/jpeg', url: 'https://wechaty-files.invalid/3791207745813624002.jpg' } },
    },
  },
  {
    fixture: 'image-file-lost',
    expected: {
      sender: LAN, recipient: BOT, text: '', receivedAt: new Date('2026-03-12T06:06:10Z'),
      attachments: [{ url: 'wechaty-file:3791207745813624003', contentType: 'image' }],
      raw: { type: 'image', file: { error: 'no filebox cache' } },
    },
  },
  {
    fixture: 'voice-private',
    expected: {
      sender: LAN, recipient: BOT, text: '', receivedAt: new Date('2026-03-12T06:07:00Z'),
      attachments: [{ url: 'wechaty-file:3791207745813624004', contentType: 'voice' }],
      raw: { type: 'voice', file: { name: '3791207745813624004.sil' } },
    },
  },
  {
    fixture: 'room-mention',
    expected: {
      sender: LAN, recipient: ROOM, text: '我家有好多分了', attachments: [], receivedAt: new Date('2026-03-12T06:09:00Z'),
      raw: { type: 'text', roomId: ROOM, room: true },
    },
  },
  { fixture: 'room-no-mention', expected: { ignored: 'group message without @-mention of the bot' } },
  { fixture: 'room-mention-other', expected: { ignored: 'group message without @-mention of the bot' } },
  { fixture: 'room-image', expected: { ignored: 'group message of type 6' } },
  { fixture: 'self-private', expected: { ignored: 'sent by the bot itself' } },
  { fixture: 'video-private', expected: { ignored: 'message of type 15' } },
];

describe('wechaty adapter: what reaches the core', () => {
  it.each(inboundRows)('$fixture', async ({ fixture: name, expected }) => {
    const bot = await startBot();
    const fixture = read<MessageFixture>(name);
    const outcome = await bot.deliver(fixture);
    if ('ignored' in expected) {
      expect(outcome).toMatchObject({ msg: 'wechat message ignored', reason: expected.ignored, level: 20 });
      expect(bot.host.accepted).toEqual([]);
      return;
    }
    expect(outcome.msg).toBe('wechat message stored');
    expect(bot.host.accepted).toHaveLength(1);
    const { raw, ...message } = bot.host.accepted[0]!;
    const { raw: expectedRaw, ...expectedMessage } = expected;
    expect(message).toEqual({ channel: 'wechat', externalId: fixture.payload.id, ...expectedMessage });
    expect(raw).toMatchObject(expectedRaw);
    // A private message is never marked as a group's; a group's is, so nothing is answered into the group.
    expect(raw.room).toBe(fixture.payload.roomId ? true : undefined);
  });

  it('stores a message once the database answers again, and logs it as lost when it never does', async () => {
    const bot = await startBot({ storeRetryDelaysMs: [1_000, 5_000] });
    bot.host.failuresLeft = 2;
    const stored = await bot.deliver(read<MessageFixture>('text-private'));
    expect(stored.msg).toBe('wechat message stored');
    expect(bot.sleeps).toEqual([1_000, 5_000]);
    expect(bot.host.accepted.map((message) => message.text)).toEqual(['今天把院坝扫干净了']);

    bot.host.failuresLeft = 3;
    const lost = await bot.deliver(read<MessageFixture>('voice-private'));
    expect(lost).toMatchObject({ msg: 'wechat message lost: it could not be stored', level: 50 });
    expect(bot.host.accepted).toHaveLength(1);
  });
});

describe('wechaty adapter: a voice note\'s recording for the speech service', () => {
  it('fetches the file behind a wechaty-file: reference, SILK labelled as such', async () => {
    const bot = await startBot();
    const fixture = read<MessageFixture>('voice-private');
    await bot.deliver(fixture);
    const url = bot.host.accepted[0]!.attachments[0]!.url;
    expect(await bot.adapter.fetchMedia!(url)).toEqual({ data: Buffer.from(fixture.fileBox!.base64 as string, 'base64'), contentType: 'audio/silk' });
  });

  it('another provider\'s URL is not its own; a message the puppet no longer has, or a bot not running here, is an error', async () => {
    const bot = await startBot();
    expect(await bot.adapter.fetchMedia!('https://api.weixin.qq.com/cgi-bin/media/get?media_id=x')).toBeUndefined();
    expect(await bot.adapter.fetchMedia!('wechaty-file:')).toBeUndefined();
    await expect(bot.adapter.fetchMedia!('wechaty-file:3791207745813629999')).rejects.toThrow(/3791207745813629999/);
    const stopped = wechatyChannel({ ...wechatySettings({}), puppet: new PuppetMock({ mocker: new mock.Mocker() }) });
    await expect(stopped.fetchMedia!('wechaty-file:3791207745813624004')).rejects.toThrow('WeChat (Wechaty) is not running in this process');
  });
});

describe('wechaty adapter: sending', () => {
  it('says the text to the contact, and does not take its own reply for an incoming message', async () => {
    const bot = await startBot();
    const lan = bot.contacts[LAN]!;
    // A mock contact's 'message' event fires for what it says itself too: keep what the bot said.
    const received = new Promise<Record<string, unknown>>((resolve) => {
      lan.on('message', (message) => { if (message.payload.talkerId === BOT) resolve({ ...message.payload }); });
    });
    const result = await bot.adapter.send!({ to: LAN, text: '您家现有积分 2 分', from: ROOM });
    expect(result.status).toBe('sent');
    // The mock puppet returns no message id: the adapter makes one.
    expect(result.status === 'sent' && result.providerId).toMatch(/^wechaty-[0-9a-f-]{36}$/);
    expect(await received).toMatchObject({ talkerId: BOT, listenerId: LAN, text: '您家现有积分 2 分' });
    // The bot sees its own reply as a message: ignored, never stored as the villager's.
    await bot.logs.waitFor((record) => record.msg === 'wechat message ignored' && record.reason === 'sent by the bot itself');
    expect(bot.host.accepted).toEqual([]);
  });

  it('says the text into a group when the address is a group', async () => {
    const bot = await startBot();
    const received = new Promise<Record<string, unknown>>((resolve) => {
      bot.rooms[ROOM]!.on('message', (message) => { if (message.payload.talkerId === BOT) resolve({ ...message.payload }); });
    });
    await bot.adapter.send!({ to: ROOM, text: '本月积分已公示' });
    expect(await received).toMatchObject({ roomId: ROOM, text: '本月积分已公示' });
  });

  it.each([
    { label: 'an unknown contact', to: 'wxid_nobody', message: /contact wxid_nobody is unknown/ },
    { label: 'an unknown group', to: '99999999999@chatroom', message: /group 99999999999@chatroom is unknown/ },
    { label: 'an empty address', to: ' ', message: /no WeChat id/ },
  ])('refuses $label for good (PermanentSendError)', async ({ to, message }) => {
    const bot = await startBot();
    const sending = bot.adapter.send!({ to, text: '您家现有积分 2 分' });
    await expect(sending).rejects.toBeInstanceOf(PermanentSendError);
    await expect(sending).rejects.toThrow(message);
  });

  it('waits (retried error) while not logged in, and gives up for good after the grace period', async () => {
    const bot = await startBot({ logoutGraceMs: 15 * 60_000 }, { login: false });
    const early = bot.adapter.send!({ to: LAN, text: '您家现有积分 2 分' });
    await expect(early).rejects.toThrow(/not logged in yet/);
    await expect(early).rejects.not.toBeInstanceOf(PermanentSendError);
    bot.clock.now += 15 * 60_000;
    await expect(bot.adapter.send!({ to: LAN, text: '您家现有积分 2 分' })).rejects.toBeInstanceOf(PermanentSendError);
  });

  it('after a logout: retried at first, for good once the account stays away, back to sending after a new login', async () => {
    const bot = await startBot({ logoutGraceMs: 10 * 60_000 });
    await bot.puppet.logout('kicked out by WeChat');
    await bot.adapter.session.waitFor('offline');
    const early = bot.adapter.send!({ to: LAN, text: 'a' });
    await expect(early).rejects.not.toBeInstanceOf(PermanentSendError);
    await expect(early).rejects.toThrow(/not logged in/);
    bot.clock.now += 10 * 60_000;
    const late = bot.adapter.send!({ to: LAN, text: 'a' });
    await expect(late).rejects.toBeInstanceOf(PermanentSendError);
    await expect(late).rejects.toThrow(/not logged in for 10 min \(kicked out by WeChat\)/);
    bot.mocker.login(bot.me);
    await bot.adapter.session.waitFor('online');
    await expect(bot.adapter.send!({ to: LAN, text: 'a' })).resolves.toMatchObject({ status: 'sent' });
  });

  it('paces sends: a burst, then a short wait done in place, then "rate limited" for BullMQ to retry', async () => {
    // A flat 5 a minute keeps the arithmetic exact; the warm-up itself is tested in wechaty-rate.test.ts.
    const bot = await startBot({ warmupPerMinute: 5, maxPerMinute: 5, burst: 2, maxWaitMs: 1_000 });
    const send = () => bot.adapter.send!({ to: LAN, text: '您家现有积分 2 分' });
    await send();
    await send();
    const limited = send();
    await expect(limited).rejects.toThrow(/^rate limited: this WeChat account sends 5 messages a minute for now; next one in 12 s$/);
    await expect(limited).rejects.not.toBeInstanceOf(PermanentSendError);
    expect(bot.sleeps).toEqual([]);
    // 11.5 s later a token is 0.5 s away: the send waits for it itself.
    bot.clock.now += 11_500;
    await expect(send()).resolves.toMatchObject({ status: 'sent' });
    expect(bot.sleeps).toEqual([500]);
  });

  it('does not count a refused address against the rate', async () => {
    const bot = await startBot({ burst: 1 });
    await expect(bot.adapter.send!({ to: 'wxid_nobody', text: 'a' })).rejects.toBeInstanceOf(PermanentSendError);
    await expect(bot.adapter.send!({ to: LAN, text: 'a' })).resolves.toMatchObject({ status: 'sent' });
  });
});

describe('wechaty adapter: configuration and start-up', () => {
  it('is not created without a puppet, and says WeChat via Wechaty is off', () => {
    const logs = recordingLog();
    expect(wechatyFromSettings({ ...wechatySettings({}), log: logs.logger })).toBeUndefined();
    expect(logs.records).toEqual([expect.objectContaining({ level: 30, msg: 'WeChat via Wechaty is off: WECHATY_PUPPET is not set' })]);
  });

  it('with a puppet named, is a WeChat sender with no webhooks that does not send before it is started', async () => {
    const logs = recordingLog();
    const adapter = wechatyFromSettings({ ...wechatySettings({ WECHATY_PUPPET: 'wechaty-puppet-service', WECHATY_PUPPET_TOKEN: 'insecure_x' }), log: logs.logger });
    expect(adapter).toMatchObject({ provider: 'wechaty', channel: 'wechat', prefix: 'wechaty', dryRun: false });
    expect(adapter?.routes).toBeUndefined();
    expect(typeof adapter?.start).toBe('function');
    const sending = adapter!.send!({ to: LAN, text: 'a' });
    await expect(sending).rejects.toThrow(/not running in this process/);
    await expect(sending).rejects.not.toBeInstanceOf(PermanentSendError);
    expect(logs.records).toEqual([]);
  });

  it('logs a puppet that cannot start and keeps going; its sends fail for good (SMS fallback)', async () => {
    const logs = recordingLog();
    const adapter = wechatyChannel({ ...wechatySettings({ WECHATY_PUPPET: 'wechaty-puppet-jifen-missing' }), log: logs.logger });
    running.push(adapter);
    await expect(adapter.start!(new RecordingHost())).resolves.toBeUndefined();
    expect(adapter.session.state).toBe('failed');
    expect(logs.records).toContainEqual(expect.objectContaining({ level: 50, msg: 'WeChat via Wechaty could not start: jifen runs on without it' }));
    const sending = adapter.send!({ to: LAN, text: 'a' });
    await expect(sending).rejects.toBeInstanceOf(PermanentSendError);
    await expect(sending).rejects.toThrow(/could not start: .*wechaty-puppet-jifen-missing/);
  });

  it('stops: the puppet\'s own logout on stop changes nothing, later sends are retried by whichever process runs the bot', async () => {
    const bot = await startBot();
    await bot.adapter.stop!();
    expect(bot.adapter.session.state).toBe('stopped');
    expect(bot.logs.records.filter((record) => record.msg.startsWith('WeChat account logged out'))).toEqual([]);
    const sending = bot.adapter.send!({ to: LAN, text: 'a' });
    await expect(sending).rejects.toThrow(/not running in this process/);
    await expect(sending).rejects.not.toBeInstanceOf(PermanentSendError);
  });
  it('stopped while still starting, stops the bot it was starting', async () => {
    const puppet = new PuppetMock({ mocker: new mock.Mocker() });
    const adapter = wechatyChannel({ ...wechatySettings({}), puppet, log: recordingLog().logger });
    running.push(adapter);
    const starting = adapter.start!(new RecordingHost());
    await adapter.stop!();
    await starting;
    expect(adapter.session.state).toBe('stopped');
    expect(puppet.state.active()).toBe(false);
  });
});

describe('wechatySettings', () => {
  it('reads nothing into the defaults: off, 5 → 30 a minute over 7 days', () => {
    expect(wechatySettings({})).toMatchObject({
      puppet: undefined, puppetToken: undefined, puppetEndpoint: undefined, name: undefined,
      warmupPerMinute: 5, maxPerMinute: 30, warmupDays: 7, accountStartedAt: undefined,
    });
  });

  it('reads every WECHATY_ variable', () => {
    expect(wechatySettings({
      WECHATY_PUPPET: 'wechaty-puppet-service', WECHATY_PUPPET_TOKEN: ' insecure_token ', WECHATY_PUPPET_ENDPOINT: '10.0.0.5:8788',
      WECHATY_NAME: 'jifen-fangniuping', WECHATY_MAX_PER_MINUTE: '20', WECHATY_WARMUP_DAYS: '0', WECHATY_ACCOUNT_STARTED_AT: '2026-03-01',
    })).toMatchObject({
      puppet: 'wechaty-puppet-service', puppetToken: 'insecure_token', puppetEndpoint: '10.0.0.5:8788', name: 'jifen-fangniuping',
      maxPerMinute: 20, warmupPerMinute: 5, warmupDays: 0, accountStartedAt: new Date('2026-03-01'),
    });
  });

  it('starts no faster than the maximum when the maximum is below the warm-up rate', () => {
    expect(wechatySettings({ WECHATY_MAX_PER_MINUTE: '2' })).toMatchObject({ maxPerMinute: 2, warmupPerMinute: 2 });
  });

  it.each([
    ['WECHATY_MAX_PER_MINUTE', '0', /WECHATY_MAX_PER_MINUTE must be a positive number, got "0"/],
    ['WECHATY_MAX_PER_MINUTE', 'many', /WECHATY_MAX_PER_MINUTE must be a positive number/],
    ['WECHATY_WARMUP_DAYS', '-1', /WECHATY_WARMUP_DAYS must be a non-negative number/],
    ['WECHATY_ACCOUNT_STARTED_AT', 'last spring', /WECHATY_ACCOUNT_STARTED_AT must be a date/],
  ])('refuses %s=%s at boot', (name, value, message) => {
    expect(() => wechatySettings({ [name]: value })).toThrow(message);
  });
});
