/**
 * A PostgreSQL outage while webhooks arrive, on a private PostgreSQL cluster (Debian's server
 * binaries, run as the postgres user): stopped at once (`pg_ctl stop -m immediate`) mid-burst,
 * then started again. Twilio does not retry SMS webhooks, so every 5xx answered in the outage would
 * be a message lost: webhooks spool what they cannot store (DATA_DIR/spool) and the workers import
 * it when PostgreSQL is back. Some messages are delivered twice (during and after the outage).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import twilio from 'twilio';
import { loadConfig } from '../../src/config.ts';
import { closeContext, createContext } from '../../src/context.ts';
import { buildApp } from '../../src/http/app.ts';
import { createLogger } from '../../src/log.ts';
import { importVillage } from '../../src/village/import.ts';
import { readVillageFile } from '../../src/village/village-file.ts';
import { startWorkers } from '../../workers/index.ts';

const run = promisify(execFile);
const BIN = process.env.CHAOS_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface OutageResult {
  sent: number;
  answered2xx: number;
  answered5xx: number;
  /** Webhooks answered 5xx, or answered 200 and never stored. */
  lost: number;
  /** Provider ids stored more than once. */
  doubled: number;
  processed: number;
  spooled: number;
}

const asPostgres = (command: string) => run('runuser', ['-u', 'postgres', '--', 'sh', '-c', command]);

async function privateCluster(port: number) {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'jifen-chaos-pg-'));
  await fs.chown(dir, 101, 104).catch(async () => { await run('chown', ['postgres', dir]); });
  const data = path.join(dir, 'data');
  await asPostgres(`${BIN}/initdb -D ${data} -A trust -U root >/dev/null`);
  const start = () => asPostgres(`${BIN}/pg_ctl -D ${data} -o "-p ${port} -k ${dir} -c listen_addresses=127.0.0.1" -l ${dir}/log -w start >/dev/null`);
  const stop = () => asPostgres(`${BIN}/pg_ctl -D ${data} -m immediate -w stop >/dev/null`);
  await start();
  return { url: `postgres://root@127.0.0.1:${port}/postgres`, dataDir: path.join(dir, 'jifen'), start, stop, remove: () => fs.rm(dir, { recursive: true, force: true }) };
}

export async function runPostgresOutage(port: number, env: NodeJS.ProcessEnv, villageFile: string): Promise<OutageResult> {
  const cluster = await privateCluster(port);
  const config = loadConfig({ ...process.env, ...env, DATABASE_URL: cluster.url, REDIS_URL: '', DATA_DIR: cluster.dataDir, SPOOL_IMPORT_EVERY_MS: '500' });
  const context = await createContext(config, { log: createLogger('silent') });
  const result: OutageResult = { sent: 0, answered2xx: 0, answered5xx: 0, lost: 0, doubled: 0, processed: 0, spooled: 0 };
  const accepted: string[] = [];
  try {
    await importVillage(context.db, await readVillageFile(villageFile));
    const app = await buildApp(context);
    const workers = startWorkers(context);
    const post = async (i: number) => {
      const params = { MessageSid: `SMpgout${String(i).padStart(20, '0')}`, AccountSid: 'ACbench', From: `+86139000200${String((i % 36) + 1).padStart(2, '0')}`, To: '+8613900009999', Body: '查积分', NumMedia: '0' };
      const signature = twilio.getExpectedTwilioSignature(env.TWILIO_AUTH_TOKEN!, `${config.publicUrl}/channels/twilio/sms`, params);
      const response = await app.inject({ method: 'POST', url: '/channels/twilio/sms', payload: new URLSearchParams(params).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature } });
      result.sent++;
      if (response.statusCode < 300) { result.answered2xx++; accepted.push(params.MessageSid); }
      if (response.statusCode >= 500) result.answered5xx++;
    };
    for (let i = 0; i < 10; i++) await post(i);
    await cluster.stop();
    for (let i = 10; i < 30; i++) await post(i);
    for (let i = 20; i < 25; i++) await post(i); // delivered twice while down
    result.spooled = await context.spool.waiting();
    await cluster.start();
    for (let i = 25; i < 30; i++) await post(i); // and again once it is back
    for (let i = 30; i < 40; i++) await post(i);
    const deadline = Date.now() + 90_000;
    for (;;) {
      const rows = await context.db.execute<{ external_id: string; processed: boolean }>(sql`select external_id, processed_at is not null as processed from jifen.inbound_messages`).catch(() => undefined);
      const stored = rows?.rows.map((row) => row.external_id) ?? [];
      result.lost = new Set(accepted.filter((id) => !stored.includes(id))).size + result.answered5xx;
      result.doubled = stored.length - new Set(stored).size;
      result.processed = rows?.rows.filter((row) => row.processed).length ?? 0;
      const done = rows && result.lost === 0 && result.processed === rows.rows.length && (await context.spool.waiting()) === 0;
      if (done || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await app.close();
    await workers.close();
  } finally {
    await closeContext(context).catch(() => {});
    await cluster.stop().catch(() => {});
    await cluster.remove();
  }
  return result;
}
