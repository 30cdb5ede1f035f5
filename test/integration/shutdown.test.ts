import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testBackend, type TestDatabase } from '../support/backend.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  return port;
}

function get(port: number, url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: url, agent: false }, (response) => {
      response.resume();
      resolve(response.statusCode!);
    }).on('error', reject);
  });
}

/** Polls until `probe` holds; the server's start and drain are events seen only over HTTP. */
async function until(probe: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe(`graceful shutdown of \`npm start\` (${testBackend})`, () => {
  let database: TestDatabase;
  let dataDir: string;
  let server: ChildProcess;
  let port: number;

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'jifen-shutdown-'));
    database = await createTestDatabase();
    port = await freePort();
    server = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: ROOT, stdio: 'ignore',
      env: {
        ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent', SEED_VILLAGE_FILE: '',
        DATABASE_URL: database.config.databaseUrl ?? '', REDIS_URL: database.config.redisUrl ?? '', QUEUE_PREFIX: database.config.queuePrefix,
        SHUTDOWN_DRAIN_MS: '1500', SHUTDOWN_TIMEOUT_MS: '20000',
      },
    });
    // The embedded database's first start (initdb, migrations) takes tens of seconds on a busy machine.
    await until(async () => (await get(port, '/readyz')) === 200, 'the server ready', 150_000);
  }, 180_000);
  afterAll(async () => {
    if (server.exitCode === null) server.kill('SIGKILL');
    await database.drop();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('SIGTERM: /readyz turns 503, a request in flight still gets its answer, the process exits 0', async () => {
    const exited = once(server, 'exit');
    // A webhook whose body is half sent when the signal comes.
    const body = 'MessageSid=SMshutdown&From=%2B8613900020004&Body=' + 'a'.repeat(200);
    const inFlight = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/channels/twilio/sms', agent: false,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } });
    const answered = new Promise<number>((resolve, reject) => inFlight.on('response', (r) => { r.resume(); resolve(r.statusCode!); }).on('error', reject));
    inFlight.write(body.slice(0, 20));
    await until(async () => (await get(port, '/healthz')) === 200, 'the request under way');

    server.kill('SIGTERM');
    await until(async () => (await get(port, '/readyz')) === 503, '/readyz 503 while draining');
    expect(await get(port, '/healthz')).toBe(200); // alive while it drains

    inFlight.end(body.slice(20));
    expect(await answered).toBeLessThan(500);
    const [code] = await exited;
    expect(code).toBe(0);
  });
});
