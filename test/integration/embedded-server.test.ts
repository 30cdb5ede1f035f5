import { existsSync, readFileSync, statSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { findRunningServer } from '../../src/db/embedded.ts';
import { testBackend } from '../support/backend.ts';
import { AUTH_TOKEN, nextSid, people, signedForm } from '../support/jifen.ts';
import { freeLoopbackPort } from '../../src/free-port.ts';
import { startServerProcess, type ServerProcess } from '../support/server-process.ts';

/**
 * `npm start` on the embedded default, as separate processes on one DATA_DIR: PostgreSQL's own lock
 * admits one server, a killed one restarts on its data, and an acknowledged message is never lost.
 */
describe.runIf(testBackend === 'embedded')('npm start on the embedded PostgreSQL', () => {
  const started: ServerProcess[] = [];
  const folders: string[] = [];

  afterEach(async () => {
    await Promise.all(started.splice(0).map((server) => server.stop()));
    await Promise.all(folders.splice(0).map((dir) => fs.rm(dir, { recursive: true, force: true })));
  });

  const dataFolder = async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'jifen-start-'));
    folders.push(dir);
    return dir;
  };

  const start = async (dataDir: string) => {
    const port = await freeLoopbackPort();
    const server = startServerProcess(port, {
      DATA_DIR: dataDir, PUBLIC_URL: `http://127.0.0.1:${port}`, TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    });
    started.push(server);
    return server;
  };

  /** Villager texts through the Twilio webhook; resolves with the ids of those jifen acknowledged (200). */
  const text = async (server: ServerProcess, count: number) => {
    const acknowledged: string[] = [];
    for (let i = 0; i < count; i++) {
      const sid = nextSid();
      const url = `http://127.0.0.1:${server.port}/channels/twilio/sms`;
      const { signature, payload } = signedForm(url, { MessageSid: sid, AccountSid: 'ACtest', From: people.wangLanying, To: '+8613900009999', Body: '打扫了院坝', NumMedia: '0' });
      const response = await fetch(url, { method: 'POST', body: payload, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature } });
      if (response.status === 200) acknowledged.push(sid);
    }
    return acknowledged;
  };

  /** The stored inbound messages among `sids`, read by joining the server as the CLI does. */
  const stored = async (dataDir: string, sids: string[]) => {
    const url = await findRunningServer(dataDir);
    expect(url).toBeDefined();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: number }>('select count(*)::int as n from jifen.inbound_messages where external_id = any($1)', [sids]);
      return rows[0]!.n;
    } finally {
      await client.end();
    }
  };

  const serverFile = (dataDir: string) => JSON.parse(readFileSync(path.join(dataDir, 'server.json'), 'utf8')) as { pid: number; postgresPid: number; port: number };
  const parentOf = (pid: number) => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
  const isAlive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  it('two started at the same moment on a fresh folder: one serves, the other is refused, nothing acknowledged is lost', { timeout: 300_000 }, async () => {
    const dataDir = await dataFolder();
    const pair = [await start(dataDir), await start(dataDir)];
    const outcomes = await Promise.all(pair.map((server) => server.outcome));

    const serving = pair.filter((_, i) => outcomes[i]!.serving);
    expect(serving).toHaveLength(1);
    const refused = outcomes.find((outcome) => !outcome.serving);
    expect(refused).toMatchObject({ serving: false, code: 1, output: expect.stringMatching(/jifen is already running on .*postmaster\.pid/) });

    const acknowledged = await text(serving[0]!, 12);
    expect(acknowledged).toHaveLength(12);
    expect(await serving[0]!.stop()).toBe(0);
    expect(existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);

    const again = await start(dataDir);
    expect(await again.outcome).toEqual({ serving: true });
    expect(await stored(dataDir, acknowledged)).toBe(12);
  });

  it('the password stays in DATA_DIR, readable by its owner only, and the database refuses a client without it', { timeout: 120_000 }, async () => {
    const dataDir = await dataFolder();
    const server = await start(dataDir);
    expect(await server.outcome).toEqual({ serving: true });
    for (const file of ['password', 'server.json']) expect(statSync(path.join(dataDir, file)).mode & 0o077).toBe(0);
    expect(readFileSync(path.join(dataDir, 'server.json'), 'utf8')).not.toContain(readFileSync(path.join(dataDir, 'password'), 'utf8'));

    const { port } = serverFile(dataDir);
    const stranger = new pg.Client({ host: '127.0.0.1', port, user: 'jifen', password: 'guessed', database: 'jifen' });
    await expect(stranger.connect()).rejects.toMatchObject({ code: '28P01' });
  });

  it('killed with SIGKILL, alone, with its watchdog, then with its PostgreSQL too: each restart serves the same data', { timeout: 400_000 }, async () => {
    const dataDir = await dataFolder();
    const acknowledged: string[] = [];
    const kills: Array<(server: { pid: number; postgresPid: number }) => number[]> = [
      // Its watchdog stops PostgreSQL; the restart may find it still stopping.
      ({ pid }) => [pid],
      // Nobody stops PostgreSQL: the restart must stop the orphan itself.
      ({ pid, postgresPid }) => [pid, parentOf(postgresPid)],
      // PostgreSQL dies too: its postmaster.pid is left behind, stale.
      ({ pid, postgresPid }) => [pid, parentOf(postgresPid), postgresPid],
    ];
    for (const kill of kills) {
      const server = await start(dataDir);
      expect(await server.outcome).toEqual({ serving: true });
      if (acknowledged.length > 0) expect(await stored(dataDir, acknowledged)).toBe(acknowledged.length);
      acknowledged.push(...(await text(server, 5)));
      const running = serverFile(dataDir);
      for (const pid of kill(running)) process.kill(pid, 'SIGKILL');
      await server.stop();
      if (kill === kills[1]) expect(isAlive(running.postgresPid)).toBe(true);
    }
    expect(acknowledged).toHaveLength(15);
    const last = await start(dataDir);
    expect(await last.outcome).toEqual({ serving: true });
    expect(await stored(dataDir, acknowledged)).toBe(15);
  });
});
