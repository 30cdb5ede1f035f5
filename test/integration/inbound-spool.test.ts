import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { normalizeSms } from '../../channels/twilio/normalize.ts';
import { startCluster, type ClusterOptions, type RunningCluster } from '../../src/db/postgres-cluster.ts';
import { claims, inboundMessages } from '../../src/db/schema/index.ts';
import { householdBalance } from '../../src/ledger/balance.ts';
import { verifyLedger } from '../../src/ledger/verify.ts';
import { storableInbound } from '../../src/storable.ts';
import { decodeSpool, encodeSpooled } from '../../src/messages/spool-file.ts';
import { testBackend } from '../support/backend.ts';
import { privateCluster, spooling, type PrivateCluster } from '../support/private-cluster.ts';
import { fixtureText, WEBHOOK_SECRETS, wechatPlainRequest } from '../support/signed-webhooks.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts';
import { people, referenceSentTo, startJifen, type Harness } from '../support/jifen.ts';

const TOKEN = 'spool-metrics-token';

/** jifen on a private cluster, which the test stops (fast shutdown: every connection dropped) and starts again on the same port: a real outage. */
describe(`PostgreSQL down: webhooks are spooled to disk and imported when it is back (${testBackend})`, () => {
  let folder: string;
  let options: ClusterOptions;
  let cluster: RunningCluster;
  let jifen: Harness;
  let spoolDir: string;

  beforeAll(async () => {
    const made = await privateCluster();
    ({ folder, options, cluster } = made);
    spoolDir = path.join(made.dataDir, 'spool');
    jifen = await startJifen({ config: spooling(TOKEN, { databaseUrl: made.url(cluster.port), dataDir: made.dataDir }) });
  });
  afterAll(async () => {
    await jifen?.close();
    await cluster?.stop();
    await fs.rm(folder, { recursive: true, force: true });
  });

  const spoolFiles = async () => (await fs.readdir(spoolDir).catch(() => [] as string[])).filter((name) => !name.endsWith('.rejected'));
  const spooledIds = async () => (await Promise.all((await spoolFiles()).map(async (name) => decodeSpool(await fs.readFile(path.join(spoolDir, name), 'utf8')).records)))
    .flat().map((record) => record.message.externalId);
  const rowsOf = async (sid: string) => jifen.context.db.select().from(inboundMessages).where(eq(inboundMessages.externalId, sid));
  const metric = async (line: string) => {
    const body = (await jifen.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } })).body;
    return Number(new RegExp(`^${line.replace(/[{}]/g, '\\$&')} (\\d+)`, 'm').exec(body)?.[1] ?? NaN);
  };

  it('answers 200 once each message is on disk, then stores each once and processes it: claims, approvals, acknowledgements, a ledger that verifies', async () => {
    const before = await jifen.sms(people.wangLanying, '今天把院坝扫干净了');
    expect(before.status).toBe(200);
    const reference = await referenceSentTo(jifen, people.liuFang);

    // A connection in use when PostgreSQL goes (a request or job mid-transaction) must not crash the process.
    const held = await jifen.context.database.pool.connect();
    const dropped = new Promise((resolve) => held.once('end', resolve));
    await cluster.stop();
    await dropped;
    held.release(true);
    const claim = await jifen.sms(people.chenChangjiang, '今天把院坝扫干净了');
    const replay = await jifen.sms(people.chenChangjiang, '今天把院坝扫干净了', { MessageSid: claim.sid });
    const approval = await jifen.sms(people.liuFang, `同意 ${reference}`);
    expect([claim.status, replay.status, approval.status]).toEqual([200, 200, 200]);
    expect(claim.body).toContain('<Response>');
    // On disk when answered: the duplicate delivery is spooled twice and stored once.
    expect((await spooledIds()).sort()).toEqual([claim.sid, claim.sid, approval.sid].sort());
    expect(await metric('jifen_inbound_spool_waiting')).toBe(3);
    expect(await metric('jifen_inbound_spooled_total{channel="sms"}')).toBe(3);

    // Neither PostgreSQL nor the spool can take it: 5xx, so a provider that retries will.
    await fs.rename(spoolDir, `${spoolDir}.aside`);
    await fs.writeFile(spoolDir, 'not a folder');
    const refused = await jifen.sms(people.wangZhiqiang, '查积分');
    expect(refused.status).toBeGreaterThanOrEqual(500);
    await fs.rm(spoolDir);
    await fs.rename(`${spoolDir}.aside`, spoolDir);

    cluster = await startCluster(options, cluster.port);
    const late = await jifen.sms(people.chenChangjiang, '今天把院坝扫干净了', { MessageSid: claim.sid });
    expect(late.status).toBe(200);
    await jifen.waitFor(async () => (await spoolFiles()).length === 0, 'the spool imported and removed', 30_000);
    expect(await rowsOf(claim.sid)).toHaveLength(1);
    expect(await rowsOf(approval.sid)).toHaveLength(1);
    expect(await rowsOf(refused.sid)).toHaveLength(0);

    // Processed as if it had arrived in time: the villager's acknowledgement comes late, but comes.
    await jifen.waitFor(async () => (await jifen.outbox(people.chenChangjiang)).some((text) => text.startsWith('已收到：庭院卫生整洁 +2分')), 'the late acknowledgement', 30_000);
    await jifen.waitFor(async () => (await jifen.outbox(people.wangLanying)).includes('已入账 +2分，当前余额 2分'), 'the posting spooled as an approval', 30_000);
    const [approved] = await jifen.context.db.select().from(claims).where(eq(claims.reference, reference));
    expect(approved!.state).toBe('posted');
    expect(await householdBalance(jifen.context.db, 'FNP-003')).toEqual({ household: 'FNP-003', balance: 2, lifetime: 2 });
    expect(await jifen.context.db.select().from(claims).where(eq(claims.sourceMessageId, (await rowsOf(claim.sid))[0]!.id))).toHaveLength(1);
    expect((await verifyLedger(jifen.context.db)).ok).toBe(true);

    expect(await metric('jifen_inbound_spool_waiting')).toBe(0);
    // Every line imported: two stored, the replay found stored already, and `late` if it came while jifen still spooled (just after a failure).
    expect(await metric('jifen_inbound_spool_imported_total{result="stored"}') + await metric('jifen_inbound_spool_imported_total{result="duplicate"}'))
      .toBe(await metric('jifen_inbound_spooled_total{channel="sms"}'));
  });

  it('skips and reports a torn last line (a crash mid-write), imports the rest once, and keeps the torn line', async () => {
    const at = new Date();
    const sms = (sid: string) => storableInbound(normalizeSms({ MessageSid: sid, AccountSid: 'ACtest', From: people.zhangMing, To: '+8613900009999', Body: '查积分', NumMedia: '0' }, at));
    const stored = await jifen.sms(people.zhangMing, '查积分');
    const fresh = `SMspooled${Date.now()}`.padEnd(34, '0');
    const torn = encodeSpooled(sms(`SMtorn${Date.now()}`), at).slice(0, 50);
    await fs.mkdir(spoolDir, { recursive: true });
    const name = 'inbound-postgres-2026-12-03-1-dead01.jsonl';
    await fs.writeFile(path.join(spoolDir, name), encodeSpooled(sms(stored.sid), at) + encodeSpooled(sms(fresh), at) + torn);

    await jifen.waitFor(async () => !(await spoolFiles()).some((file) => file.startsWith(name)), 'the file imported (claimed, then removed)', 30_000);
    expect(await rowsOf(stored.sid)).toHaveLength(1);
    expect(await rowsOf(fresh)).toHaveLength(1);
    expect(await fs.readFile(path.join(spoolDir, `${name}.rejected`), 'utf8')).toBe(`${torn}\n`);
    expect(await metric('jifen_inbound_spool_imported_total{result="rejected"}')).toBe(1);
  });
});

/** jifen behind a TCP proxy that freezes: PostgreSQL that hangs instead of refusing (a partition). */
describe(`PostgreSQL hangs: a webhook spools once INBOUND_STORE_TIMEOUT_MS has passed, once per request (${testBackend})`, () => {
  const timeoutMs = 1_500;
  let made: PrivateCluster;
  let proxy: TcpProxy;
  let jifen: Harness;

  beforeAll(async () => {
    made = await privateCluster();
    proxy = await startTcpProxy(made.cluster.port);
    jifen = await startJifen({ config: spooling(TOKEN, {
      databaseUrl: made.url(proxy.port), dataDir: made.dataDir, wechatOfficial: { token: WEBHOOK_SECRETS.wechatToken },
    }, { inboundStoreTimeoutMs: timeoutMs }) });
  });
  afterAll(async () => {
    proxy?.thaw();
    await jifen?.close();
    await proxy?.close();
    await made?.cluster.stop();
    await fs.rm(made.folder, { recursive: true, force: true });
  });

  const spoolFiles = async () => (await fs.readdir(path.join(made.dataDir, 'spool'))).filter((name) => name.startsWith('inbound-'));

  it('answers from the spool in time (WeChat plaintext: its nonce and its message wait once, together), and the late store and the import make one row', async () => {
    proxy.freeze();
    const wechatStarted = Date.now();
    const wechat = await jifen.app.inject(wechatPlainRequest(fixtureText('wechat-official/text.xml')));
    expect(wechat.body).toBe('success');
    // The nonce's step waited out the deadline; the message's step, right after, was not tried (two steps would be ≥ 2 × timeout).
    expect(Date.now() - wechatStarted).toBeLessThan(2 * timeoutMs);
    const started = Date.now();
    const sent = await jifen.sms(people.wangLanying, '今天把院坝扫干净了');
    expect(sent.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await spoolFiles()).toHaveLength(1);

    proxy.thaw();
    await jifen.waitFor(async () => (await spoolFiles()).length === 0, 'the spool imported', 30_000);
    expect(await jifen.context.db.select().from(inboundMessages).where(eq(inboundMessages.externalId, '24583672915263187'))).toHaveLength(1);
    const rows = await jifen.context.db.select().from(inboundMessages).where(eq(inboundMessages.externalId, sent.sid));
    expect(rows).toHaveLength(1);
    await jifen.waitFor(async () => (await jifen.outbox(people.wangLanying)).some((text) => text.startsWith('已收到：庭院卫生整洁 +2分')), 'the acknowledgement', 30_000);
  });
});
