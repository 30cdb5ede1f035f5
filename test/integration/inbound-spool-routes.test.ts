import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { createChannels } from '../../channels/index.ts';
import { startCluster, type RunningCluster } from '../../src/db/postgres-cluster.ts';
import { claims, inboundMessages, villages } from '../../src/db/schema/index.ts';
import { buildApp } from '../../src/http/app.ts';
import { outageNoncesOf } from '../../src/messages/outage-nonces.ts';
import { claimNonce } from '../../src/messages/replay-nonces.ts';
import { decodeSpool, type SpooledInbound } from '../../src/messages/spool-file.ts';
import { testBackend } from '../support/backend.ts';
import { FAKE_QQ_APP_ID, FAKE_QQ_SECRET, FakeQq } from '../support/fake-qq.ts';
import { people, PUBLIC_URL, startJifen, type Harness } from '../support/jifen.ts';
import { privateCluster, spooling, type PrivateCluster } from '../support/private-cluster.ts';
import {
  aliyunRequest, androidRequest, declarationRequest, fixtureJson, fixtureText, qqRequest, transcriptRequest, twilioRequest,
  WEBHOOK_SECRETS as S, wechatPlainRequest, wechatSafeRequest,
} from '../support/signed-webhooks.ts';

/** The village's own wording of what a call hears while PostgreSQL is down (its `texts:`), so the test tells it from the defaults. */
const HEARD = '放牛坪听到您说：';
const KEPT = '放牛坪已记下，等系统恢复后短信回复您。';

type Apps = { safe: FastifyInstance; plain: FastifyInstance };

interface OutageRow {
  label: string;
  /** Sends the provider's request(s) during the outage; returns the answer the provider gets. */
  send(apps: Apps): Promise<LightMyRequestResponse>;
  /** The answer the provider needs. */
  answered(response: LightMyRequestResponse): void;
  /** What must be on disk once answered: channel and text of each message. */
  spooled: { channel: string; text: string }[];
  /** A delivery the provider may repeat once PostgreSQL is back: still one message. */
  redeliver?: (apps: Apps) => Promise<LightMyRequestResponse>;
}

const inject = (app: FastifyInstance, request: InjectOptions) => app.inject(request);
const voiceForm = (name: string) => fixtureJson<Record<string, string>>(`twilio-voice/${name}.json`);
const wechatText = (msgId: string) => fixtureText('wechat-official/text.xml').replace(/<MsgId>\d+<\/MsgId>/, `<MsgId>${msgId}</MsgId>`);
const transcript = () => JSON.stringify({ ...fixtureJson('transcripts/valid.json'), timestamp: new Date().toISOString() });
const plainReplay = wechatPlainRequest(wechatText('24583672915263190'));

const rows: OutageRow[] = [
  {
    label: 'Twilio SMS: empty TwiML',
    send: ({ safe }) => inject(safe, twilioRequest(`${PUBLIC_URL}/channels/twilio/sms`, fixtureJson('twilio/sms-chinese.json'))),
    answered: (r) => { expect(r.statusCode).toBe(200); expect(r.body).toContain('<Response'); },
    spooled: [{ channel: 'sms', text: fixtureJson<{ Body: string }>('twilio/sms-chinese.json').Body }],
    redeliver: ({ safe }) => inject(safe, twilioRequest(`${PUBLIC_URL}/channels/twilio/sms`, fixtureJson('twilio/sms-chinese.json'))),
  },
  {
    label: 'Twilio voice: the words read back in the village\'s texts, key 1 kept and acknowledged, never 「系统暂时有问题」',
    async send({ safe }) {
      const heard = await inject(safe, twilioRequest(`${PUBLIC_URL}/channels/twilio/voice/heard`, voiceForm('speech-chinese')));
      expect(heard.body).toContain(`${HEARD}今天把院坝扫干净了。确认请按1`);
      const action = /<Gather[^>]*action="([^"]+)"/.exec(heard.body)![1]!.replaceAll('&amp;', '&');
      return inject(safe, twilioRequest(action, voiceForm('digits-1')));
    },
    answered: (r) => {
      expect(r.statusCode).toBe(200);
      expect(r.body).toMatch(new RegExp(`^<\\?xml[^>]*\\?><Response><Say language="zh-CN">${KEPT}</Say><Hangup/></Response>$`));
    },
    spooled: [{ channel: 'voice', text: '今天把院坝扫干净了。' }],
  },
  {
    label: 'WeChat official account, safe mode: success',
    send: ({ safe }) => inject(safe, wechatSafeRequest(wechatText('24583672915263187'))),
    answered: (r) => { expect(r.statusCode).toBe(200); expect(r.body).toBe('success'); },
    spooled: [{ channel: 'wechat', text: '今天把院坝扫干净了' }],
    redeliver: ({ safe }) => inject(safe, wechatSafeRequest(wechatText('24583672915263187'))),
  },
  {
    label: 'WeChat official account, plaintext mode: success, its nonce kept on disk',
    send: ({ plain }) => inject(plain, plainReplay),
    answered: (r) => { expect(r.statusCode).toBe(200); expect(r.body).toBe('success'); },
    spooled: [{ channel: 'wechat', text: '今天把院坝扫干净了' }],
    // WeChat's own retry comes with a new nonce.
    redeliver: ({ plain }) => inject(plain, wechatPlainRequest(wechatText('24583672915263190'))),
  },
  {
    label: 'QQ bot: op 12',
    send: ({ safe }) => inject(safe, qqRequest(fixtureText('qq/c2c-text.json'))),
    answered: (r) => { expect(r.statusCode).toBe(200); expect(r.json()).toEqual({ op: 12 }); },
    spooled: [{ channel: 'qq', text: '今天把院坝扫干净了' }],
    redeliver: ({ safe }) => inject(safe, qqRequest(fixtureText('qq/c2c-text.json'))),
  },
  {
    label: 'Aliyun batch push: both items, code 0',
    send: ({ safe }) => inject(safe, aliyunRequest(fixtureText('aliyun-sms/sms-up.json'))),
    answered: (r) => { expect(r.statusCode).toBe(200); expect(r.json()).toEqual({ code: 0, msg: '成功' }); },
    spooled: [{ channel: 'sms', text: '今天把院坝扫干净了' }, { channel: 'sms', text: '查积分' }],
    redeliver: ({ safe }) => inject(safe, aliyunRequest(fixtureText('aliyun-sms/sms-up.json'))),
  },
  {
    label: 'Android SMS gateway: 204',
    send: ({ safe }) => inject(safe, androidRequest(fixtureText('android-sms/sms-received.json'))),
    answered: (r) => expect(r.statusCode).toBe(204),
    spooled: [{ channel: 'sms', text: '今天把院坝扫干净了' }],
    redeliver: ({ safe }) => inject(safe, androidRequest(fixtureText('android-sms/sms-received.json'))),
  },
  {
    label: 'transcript feed: 202, spooled (no message id yet)',
    send: ({ safe }) => inject(safe, transcriptRequest(transcript())),
    answered: (r) => { expect(r.statusCode).toBe(202); expect(r.json()).toEqual({ duplicate: false, spooled: true }); },
    spooled: [{ channel: 'voice', text: fixtureJson<{ text: string }>('transcripts/valid.json').text }],
    redeliver: ({ safe }) => inject(safe, transcriptRequest(transcript())),
  },
  {
    label: '/api/declarations: 202, spooled unchecked (the intake checks cadre and household)',
    send: ({ safe }) => inject(safe, declarationRequest({ household: 'FNP-022', text: '交了医保', cadre: people.zhangMing })),
    answered: (r) => { expect(r.statusCode).toBe(202); expect(r.json()).toEqual({ spooled: true }); },
    spooled: [{ channel: 'cli', text: '代报 FNP-022 交了医保' }],
  },
];

/** jifen on a private cluster with every inbound route configured; the test stops the cluster (a real outage) and starts it again. */
describe(`PostgreSQL down: every inbound route is answered from the spool and imported once (${testBackend})`, () => {
  let made: PrivateCluster;
  let cluster: RunningCluster;
  let qq: FakeQq;
  let jifen: Harness;
  let apps: Apps;
  let spoolDir: string;

  beforeAll(async () => {
    made = await privateCluster();
    cluster = made.cluster;
    spoolDir = path.join(made.dataDir, 'spool');
    qq = await new FakeQq().start();
    const wechatOfficial = { token: S.wechatToken, appId: S.wechatAppId, encodingAesKey: S.wechatAesKey };
    jifen = await startJifen({ config: spooling(S.apiToken, {
      databaseUrl: made.url(cluster.port), dataDir: made.dataDir, wechatOfficial,
      qq: { appId: FAKE_QQ_APP_ID, secret: FAKE_QQ_SECRET, apiBaseUrl: qq.url, tokenUrl: qq.tokenUrl },
      aliyunSms: { pushToken: S.aliyunPushToken, templates: {} }, androidSms: { signingKey: S.androidSigningKey }, transcripts: { secret: S.transcriptSecret },
    }) });
    await jifen.context.db.update(villages)
      .set({ settings: sql`${villages.settings} || ${JSON.stringify({ texts: { spoken_heard: `${HEARD}{words}`, spoken_kept: KEPT } })}::jsonb` });
    // Built now, so they read the village's texts as changed; the plaintext account is the same jifen with no AES key.
    const { context } = jifen;
    const plainChannels = createChannels({ ...jifen.config, wechatOfficial: { ...wechatOfficial, encodingAesKey: undefined } }, context.log);
    apps = { safe: await buildApp(context), plain: await buildApp({ ...context, channels: plainChannels }) };
  });
  afterAll(async () => {
    await apps?.safe.close();
    await apps?.plain.close();
    await jifen?.close();
    await cluster?.stop();
    await qq?.stop();
    await fs.rm(made.folder, { recursive: true, force: true });
  });

  /** What the spool holds; a file the importer removes while it is read counts as imported. */
  const spooledNow = async (): Promise<SpooledInbound[]> => {
    const names = (await fs.readdir(spoolDir).catch(() => [] as string[])).filter((name) => name.startsWith('inbound-') && !name.endsWith('.rejected'));
    const read = (name: string) => fs.readFile(path.join(spoolDir, name), 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '';
      throw error;
    });
    return (await Promise.all(names.sort().map(async (name) => decodeSpool(await read(name)).records))).flat();
  };
  const rowsOf = (channel: string, externalId: string) => jifen.context.db.select().from(inboundMessages)
    .where(and(eq(inboundMessages.channel, channel), eq(inboundMessages.externalId, externalId)));

  it('answers each provider as it needs once the message is on disk, refuses a replayed plaintext nonce, and imports each message once', async () => {
    await cluster.stop();
    const kept: SpooledInbound[] = [];
    for (const row of rows) {
      const before = (await spooledNow()).length;
      const response = await row.send(apps);
      row.answered(response);
      expect(response.body, row.label).not.toContain('系统暂时有问题');
      const added = (await spooledNow()).slice(before);
      expect(added.map((r) => ({ channel: r.message.channel, text: r.message.text })), row.label).toEqual(row.spooled);
      kept.push(...added);
    }
    // The same signed plaintext request again (its nonce kept on disk): a replay, whatever body it carries.
    const replayed = await inject(apps.plain, { ...plainReplay, payload: wechatText('24583672915263191') });
    expect(replayed.statusCode).toBe(403);
    expect(replayed.json()).toEqual({ error: 'replayed request: this timestamp and nonce were used before' });

    cluster = await startCluster(made.options, cluster.port);
    const nonceFiles = () => fs.readdir(path.join(spoolDir, 'nonces-postgres')).catch(() => [] as string[]);
    expect(await nonceFiles()).toHaveLength(1);
    await jifen.waitFor(async () => (await spooledNow()).length === 0 && (await nonceFiles()).some((name) => name.endsWith('.in-postgres')), 'the spool and its nonces imported', 30_000);
    // Refused just after the outage (webhooks may still answer locally for a moment) and by PostgreSQL, for every process.
    expect((await inject(apps.plain, plainReplay)).statusCode).toBe(403);
    const [nonce] = await outageNoncesOf(jifen.context).list();
    await expect(claimNonce(jifen.context.db, nonce!.provider, nonce!.nonce, nonce!.expiresAt)).resolves.toBe(false);
    for (const row of rows) if (row.redeliver) expect((await row.redeliver(apps)).statusCode, row.label).toBeLessThan(300);

    // One row each (spooled, redelivered and imported: stored once), processed; one claim per message and item is PostgreSQL's own constraint.
    for (const { message } of kept) {
      await jifen.waitFor(async () => {
        const stored = await rowsOf(message.channel, message.externalId);
        expect(stored.length).toBeLessThanOrEqual(1);
        return stored[0]?.processedAt;
      }, `${message.channel} ${message.externalId} stored and processed`, 30_000);
    }
    // The declaration was checked on import like any 代报: a claim for FNP-022, entered by the cadre.
    const [declared] = kept.filter((r) => r.message.channel === 'cli');
    const [claim] = await jifen.context.db.select().from(claims).where(eq(claims.sourceMessageId, (await rowsOf('cli', declared!.message.externalId))[0]!.id));
    expect(claim).toMatchObject({ enteredBy: expect.any(Number) });
    expect(await jifen.context.db.select().from(inboundMessages).where(isNull(inboundMessages.processedAt))).toEqual([]);
  });
});
