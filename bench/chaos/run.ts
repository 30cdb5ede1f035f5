/**
 * `npm run chaos`: the adversarial run. Needs DATABASE_URL (a PostgreSQL server: a database of its
 * own is created and dropped) and redis-server on the PATH (a private one is started, then killed).
 *   1. ≥ 200 hostile inputs on every inbound route (bench/chaos/hostile.ts)
 *   2. worker processes and Redis killed with SIGKILL while webhooks arrive (bench/chaos/processes.ts)
 *   3. a private PostgreSQL cluster stopped mid-burst, webhooks spooled meanwhile (bench/chaos/postgres-outage.ts; Debian's server binaries, as root)
 * Prints a table; exits 1 when any line fails its target.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../../src/config.ts';
import { closeContext, createContext } from '../../src/context.ts';
import { buildApp } from '../../src/http/app.ts';
import { createLogger } from '../../src/log.ts';
import { importVillage } from '../../src/village/import.ts';
import { readVillageFile } from '../../src/village/village-file.ts';
import { FakeTwilio } from '../../test/support/fake-twilio.ts';
import { log } from '../util.ts';
import { runHostile } from './hostile.ts';
import { runPostgresOutage } from './postgres-outage.ts';
import { runProcessChaos, workerProcess } from './processes.ts';

const serverUrl = process.env.DATABASE_URL?.trim();
if (!serverUrl) throw new Error('npm run chaos needs DATABASE_URL (a PostgreSQL server)');

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function admin(query: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  await client.query(query);
  await client.end();
}

const suffix = randomBytes(5).toString('hex');
const dbName = `jifen_chaos_${suffix}`;
const redisDir = await fs.mkdtemp(path.join(os.tmpdir(), 'jifen-chaos-redis-'));
const redisPort = await freePort();
const appPort = await freePort();
const fake = await new FakeTwilio().start();
await admin(`create database ${dbName}`);
const databaseUrl = Object.assign(new URL(serverUrl), { pathname: `/${dbName}` }).toString();

const secrets = { twilioToken: 'chaos-twilio-token', wechatToken: 'chaos-wechat-token', wechatOpenid: 'o-cadre-openid' };
const env: NodeJS.ProcessEnv = {
  DATABASE_URL: databaseUrl, REDIS_URL: `redis://127.0.0.1:${redisPort}`, QUEUE_PREFIX: `jifen-chaos-${suffix}`, LOG_LEVEL: 'silent', SEED_VILLAGE_FILE: '',
  PORT: String(appPort), PUBLIC_URL: `http://127.0.0.1:${appPort}`, JOB_LOCK_MS: '2000',
  TWILIO_ACCOUNT_SID: 'ACbench', TWILIO_AUTH_TOKEN: secrets.twilioToken, TWILIO_FROM_NUMBER: '+8613900009999', TWILIO_API_BASE_URL: fake.url,
  JIFEN_API_TOKEN: 'chaos-api-token', ALIYUN_SMS_PUSH_TOKEN: 'chaos-aliyun-token', ANDROID_SMS_SIGNING_KEY: 'chaos-android-key',
  JIFEN_TRANSCRIPT_SECRET: 'chaos-transcript-secret', WECHAT_OFFICIAL_TOKEN: secrets.wechatToken,
};

async function startRedis(): Promise<ChildProcess> {
  const redis = spawn('redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--dir', redisDir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', ''], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => net.connect(redisPort, '127.0.0.1').once('connect', function (this: net.Socket) { this.destroy(); resolve(true); }).once('error', () => resolve(false)));
    if (up) return redis;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('redis-server did not start');
}

let redis = await startRedis();
const config = loadConfig({ ...process.env, ...env });
const context = await createContext(config, { log: createLogger('silent') });
const app = await buildApp(context);
const rows: [string, string, string, boolean][] = [];
let failed = false;
try {
  await importVillage(context.db, await readVillageFile(path.resolve(import.meta.dirname, '../../example/fangniuping.yaml')));
  const hostile = await runHostile(context, app, secrets);
  rows.push(['hostile inputs sent (every inbound route)', String(hostile.requests), '≥ 200', hostile.requests >= 200]);
  rows.push(['5xx answers', String(hostile.status5xx), '0', hostile.status5xx === 0]);
  rows.push(['  of them on Twilio-signed hostile bodies', `${hostile.signed5xx}/${hostile.signed}`, '0', hostile.signed5xx === 0]);
  rows.push(['crashes (inject threw / process died)', String(hostile.thrown), '0', hostile.thrown === 0]);
  rows.push(['rows stored from unsigned or stale requests', String(hostile.storedUnsigned), '0', hostile.storedUnsigned === 0]);
  for (const example of hostile.examples) log(`  5xx example: ${example}`);

  redis.kill('SIGKILL');
  const chaos = await runProcessChaos({
    context, app, fake, authToken: secrets.twilioToken,
    startWorker: () => workerProcess(env),
    startRedis: async () => (redis = await startRedis()),
  });
  rows.push(['signed webhooks accepted during the kills', String(chaos.accepted), '-', true]);
  rows.push(['  replayed (same MessageSid) on top', String(chaos.replayed), '-', true]);
  rows.push(['worker processes killed (SIGKILL) / Redis kills', `${chaos.workersKilled} / ${chaos.redisKills}`, '-', true]);
  rows.push(['messages lost (accepted, not processed)', `${chaos.lost} (stored ${chaos.stored}, processed ${chaos.processed})`, '0', chaos.lost === 0 && chaos.stored === chaos.accepted]);
  rows.push(['doubled postings', `${chaos.doubledPostings} of ${chaos.postings}`, '0', chaos.doubledPostings === 0]);
  rows.push(['SMS handed to the provider twice', String(chaos.duplicateSms), 'counted', true]);
  rows.push(['ledger verify', chaos.ledgerOk ? 'ok' : 'FAILED', 'ok', chaos.ledgerOk]);
  const outage = await runPostgresOutage(await freePort(), env, path.resolve(import.meta.dirname, '../../example/fangniuping.yaml'));
  rows.push(['PostgreSQL stopped mid-burst: webhooks sent', String(outage.sent), '-', true]);
  rows.push(['  answered 5xx (Twilio does not retry: lost)', String(outage.answered5xx), '0', outage.answered5xx === 0]);
  rows.push(['  spooled to disk while down (DATA_DIR/spool)', String(outage.spooled), '-', true]);
  rows.push(['  messages lost in all', `${outage.lost} (processed ${outage.processed})`, '0', outage.lost === 0]);
  rows.push(['  stored twice (same MessageSid)', String(outage.doubled), '0', outage.doubled === 0]);
} finally {
  await app.close().catch(() => {});
  await closeContext(context).catch(() => {});
  redis.kill('SIGKILL');
  await fake.stop();
  await admin(`drop database if exists ${dbName} with (force)`).catch(() => {});
  await fs.rm(redisDir, { recursive: true, force: true });
}

const width = Math.max(...rows.map((row) => row[0].length));
process.stdout.write(`\n${'check'.padEnd(width)} | result | target | ok\n${'-'.repeat(width + 30)}\n`);
for (const [name, value, target, ok] of rows) {
  process.stdout.write(`${name.padEnd(width)} | ${value} | ${target} | ${ok ? 'yes' : 'NO'}\n`);
  if (!ok) failed = true;
}
process.exit(failed ? 1 : 0);
