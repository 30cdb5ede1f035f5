import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { embeddedBinDir } from '../db/postgres-cluster.ts';

const run = promisify(execFile);

export type PgTool = 'pg_dump' | 'pg_restore';

/**
 * Where PostgreSQL's client programs may be, in order: PG_BIN_DIR, the embedded server's own
 * package (when it ships them), then the PATH. The first whose major version can read the
 * server is used — pg_dump refuses a server newer than itself.
 */
async function candidateBinaries(tool: PgTool, env: NodeJS.ProcessEnv): Promise<string[]> {
  const dirs = [env.PG_BIN_DIR?.trim() || undefined, await embeddedBinDir()].filter((dir): dir is string => !!dir);
  return [...dirs.map((dir) => path.join(dir, tool)).filter((binary) => existsSync(binary)), tool];
}

async function majorVersionOf(binary: string): Promise<number | undefined> {
  try {
    const { stdout } = await run(binary, ['--version']);
    const match = /(\d+)(?:\.\d+)?/.exec(stdout.replace(/^[^)]*\)/, ''));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** The server's major version (18 for 18.4). */
export async function serverMajorVersion(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ version: number }>(`select current_setting('server_version_num')::int as version`);
    return Math.floor(rows[0]!.version / 10_000);
  } finally {
    await client.end();
  }
}

/** The path of a client program able to work with a server of this major version; a clear error when none is. */
export async function findPgTool(tool: PgTool, serverMajor: number, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const seen: string[] = [];
  for (const binary of await candidateBinaries(tool, env)) {
    const major = await majorVersionOf(binary);
    if (major === undefined) continue;
    if (major >= serverMajor) return binary;
    seen.push(`${binary} (${major})`);
  }
  throw new Error(`no ${tool} of PostgreSQL ${serverMajor} or newer found${seen.length ? ` (found ${seen.join(', ')})` : ''}: `
    + `install PostgreSQL ${serverMajor}'s client programs, or set PG_BIN_DIR to the folder holding them`);
}

/**
 * Runs a client program against a database URL. The password goes in PGPASSWORD, not on the
 * command line, where any user of the machine could read it.
 */
export async function runPgTool(binary: string, url: string, args: string[]): Promise<void> {
  const target = new URL(url);
  const password = decodeURIComponent(target.password);
  target.password = '';
  await run(binary, [...args, `--dbname=${target.toString()}`], {
    env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) },
    maxBuffer: 16 * 1024 * 1024,
  });
}
