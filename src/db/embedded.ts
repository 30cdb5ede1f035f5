import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { ClusterStartError, initialiseCluster, isInitialised, startCluster, type ClusterOptions } from './postgres-cluster.ts';

/**
 * The embedded default: a real PostgreSQL in DATA_DIR, started by `npm start` on a free loopback port.
 * DATA_DIR holds
 *   postgres/     the cluster (PGDATA); PostgreSQL's own lock, postmaster.pid, admits one server
 *   password      the generated password of the database user (mode 600)
 *   server.json   who serves it: jifen's pid, PostgreSQL's pid and port; the CLI and `npm run worker` join through it
 *   postgres.log  PostgreSQL's log
 */
export interface EmbeddedServer {
  url: string;
  stop(): Promise<void>;
}

interface ServerFile {
  /** The jifen process that serves the cluster. */
  pid: number;
  /** Its PostgreSQL (postmaster). */
  postgresPid: number;
  port: number;
}

const USER = 'jifen';
const DATABASE = 'jifen';
const files = (dataDir: string) => ({
  cluster: path.join(dataDir, 'postgres'),
  password: path.join(dataDir, 'password'),
  server: path.join(dataDir, 'server.json'),
  log: path.join(dataDir, 'postgres.log'),
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readServerFile(dataDir: string): Promise<ServerFile | undefined> {
  try {
    return JSON.parse(await fs.readFile(files(dataDir).server, 'utf8')) as ServerFile;
  } catch {
    return undefined;
  }
}

/** The database password, generated on first use. Created with link() so two first starts agree on one. */
async function password(dataDir: string): Promise<string> {
  const file = files(dataDir).password;
  const draft = `${file}.${randomBytes(4).toString('hex')}`;
  await fs.writeFile(draft, randomBytes(24).toString('base64url'), { mode: 0o600 });
  try {
    await fs.link(draft, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await fs.rm(draft, { force: true });
  }
  return (await fs.readFile(file, 'utf8')).trim();
}

const urlOf = (port: number, secret: string) =>
  `postgres://${USER}:${encodeURIComponent(secret)}@127.0.0.1:${port}/${DATABASE}`;

/** The URL of the embedded database another live jifen process serves from dataDir, if any. */
export async function findRunningServer(dataDir: string): Promise<string | undefined> {
  const running = await readServerFile(dataDir);
  if (!running || running.pid === process.pid || !isAlive(running.pid)) return undefined;
  return urlOf(running.port, (await fs.readFile(files(dataDir).password, 'utf8')).trim());
}

/** True while a PostgreSQL runs on dataDir's cluster (its postmaster.pid names a live process), whoever started it. */
export async function clusterIsRunning(dataDir: string): Promise<boolean> {
  const pidFile = await fs.readFile(path.join(files(dataDir).cluster, 'postmaster.pid'), 'utf8').catch(() => undefined);
  const pid = Number(pidFile?.split('\n')[0]);
  return !!pid && isAlive(pid);
}

async function ensureDatabase(port: number, secret: string): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: USER, password: secret, database: 'postgres' });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [DATABASE]);
    if (rowCount === 0) await client.query(`create database ${DATABASE}`);
  } finally {
    await client.end();
  }
}

/** jifen before PostgreSQL kept a PGlite database in DATA_DIR/pg: starting afresh beside it would look like lost data. */
async function refuseEarlierPglite(dataDir: string): Promise<void> {
  const earlier = path.join(dataDir, 'pg');
  if ((await isInitialised(earlier)) && !(await isInitialised(files(dataDir).cluster))) {
    throw new Error(`${earlier} holds the PGlite database of an earlier jifen: export it with that version (pg_dump against the URL in its server.json) and import it here, or move the folder away to start afresh`);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Linux only (elsewhere every live pid counts as a server): a pid from an old postmaster.pid may now be another program's. */
async function isPostgres(pid: number): Promise<boolean> {
  try {
    return (await fs.readFile(`/proc/${pid}/comm`, 'utf8')).trim() === 'postgres';
  } catch {
    return process.platform !== 'linux' && isAlive(pid);
  }
}

/**
 * Clears what a killed jifen left behind, and tells whether a retry can succeed: its PostgreSQL,
 * stopping already (its watchdog saw the pipe close) or orphaned if the watchdog died too, is asked
 * to stop and awaited; a postmaster.pid whose pid is now another program's is stale. Never touches
 * the server of a live jifen (its server.json pid answers).
 */
async function clearKilledServer(dataDir: string, clusterDir: string, error: ClusterStartError): Promise<boolean> {
  const previous = await readServerFile(dataDir);
  const lockedBy = Number(/PID (\d+)/.exec(error.output)?.[1]);
  if (!lockedBy || (previous && isAlive(previous.pid))) return false;
  if (!(await isPostgres(lockedBy))) {
    await fs.rm(path.join(clusterDir, 'postmaster.pid'), { force: true });
    return true;
  }
  if (previous?.postgresPid !== lockedBy) return false;
  try {
    process.kill(lockedBy, 'SIGINT');
  } catch {
    return true; // gone already
  }
  for (let waited = 0; isAlive(lockedBy) && waited < 60_000; waited += 100) await sleep(100);
  return !isAlive(lockedBy);
}

async function startClusterOnce(dataDir: string, options: ClusterOptions) {
  try {
    return await startCluster(options);
  } catch (error) {
    if (!(error instanceof ClusterStartError) || !/lock file "postmaster.pid" already exists/.test(error.output)) throw error;
    if (await clearKilledServer(dataDir, options.dir, error)) return startCluster(options);
    const previous = await readServerFile(dataDir);
    const owner = previous && isAlive(previous.pid) ? ` (jifen pid ${previous.pid})` : '';
    throw new Error(`jifen is already running on ${dataDir}${owner}: its PostgreSQL holds ${path.join(options.dir, 'postmaster.pid')}`);
  }
}

/**
 * Initialises dataDir on first use, starts its PostgreSQL on a free loopback port and writes
 * server.json. A second server on the same folder is refused by PostgreSQL's own lock.
 */
export async function startEmbeddedServer(dataDir: string, settings: Pick<ClusterOptions, 'settings' | 'durable'> = {}): Promise<EmbeddedServer> {
  await fs.mkdir(dataDir, { recursive: true });
  await refuseEarlierPglite(dataDir);
  const paths = files(dataDir);
  const secret = await password(dataDir);
  const options: ClusterOptions = { dir: paths.cluster, logFile: paths.log, user: USER, password: secret, ...settings };
  await initialiseCluster(options);
  const cluster = await startClusterOnce(dataDir, options);
  try {
    await ensureDatabase(cluster.port, secret);
    const serverFile: ServerFile = { pid: process.pid, postgresPid: cluster.pid, port: cluster.port };
    await fs.writeFile(paths.server, JSON.stringify(serverFile), { mode: 0o600 });
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return {
    url: urlOf(cluster.port, secret),
    async stop() {
      await cluster.stop();
      if ((await readServerFile(dataDir))?.pid === process.pid) await fs.rm(paths.server, { force: true });
    },
  };
}
