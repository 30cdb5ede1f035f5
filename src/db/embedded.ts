import fs from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PgliteWireServer } from './wire-server.ts';

/**
 * The embedded default: PGlite in this process, served over the PostgreSQL wire protocol on a
 * loopback port so that every client — our pool, BullMQ's PostgreSQL backend, the CLI in
 * another process — talks to it exactly as to a real server. One code path for all backends.
 */
export interface EmbeddedServer {
  url: string;
  stop(): Promise<void>;
}

interface ServerFile {
  pid: number;
  url: string;
}

const serverFile = (dataDir: string) => path.join(dataDir, 'server.json');

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The URL of the embedded database another live jifen process is serving from dataDir, if any. */
export async function findRunningServer(dataDir: string): Promise<string | undefined> {
  try {
    const file = JSON.parse(await fs.readFile(serverFile(dataDir), 'utf8')) as ServerFile;
    return file.pid !== process.pid && isAlive(file.pid) ? file.url : undefined;
  } catch {
    return undefined;
  }
}

/** Opens PGlite on dataDir (":memory:" for a throwaway database) and serves it on 127.0.0.1. */
export async function startEmbeddedServer(dataDir: string): Promise<EmbeddedServer> {
  const inMemory = dataDir === ':memory:';
  if (!inMemory) await fs.mkdir(dataDir, { recursive: true });
  const db = await PGlite.create(inMemory ? 'memory://' : path.join(dataDir, 'pg'));
  // PGlite is one session shared by every socket, so per-connection startup options
  // (BullMQ pins search_path that way) cannot apply: set the session's path once instead.
  await db.exec('SET search_path TO bullmq, public');
  const server = new PgliteWireServer(db);
  const url = `postgres://postgres@127.0.0.1:${await server.listen('127.0.0.1')}/postgres`;
  if (!inMemory) await fs.writeFile(serverFile(dataDir), JSON.stringify({ pid: process.pid, url } satisfies ServerFile));
  return {
    url,
    async stop() {
      await server.close();
      await db.close();
      if (!inMemory) await fs.rm(serverFile(dataDir), { force: true });
    },
  };
}
