import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { closeContext, createContext, type Context } from '../../src/context.ts';
import { createLogger } from '../../src/log.ts';
import { createTestDatabase, testBackend, type TestDatabase } from './backend.ts';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');

export interface CliRun {
  code: number;
  /** stdout, followed by stderr when the command failed. */
  stdout: string;
  /** stderr of a command that succeeded (its logs). */
  stderr?: string;
}

/** A running jifen's database (and queues) and the operator's CLI pointed at it. */
export interface CliHarness {
  context: Context;
  /** The data folder the CLI is given (the embedded PostgreSQL's, on the embedded backend). */
  dataDir: string;
  /** Runs `bin/jifen.js …` as an operator would, with the server's configuration. */
  jifen(...args: string[]): Promise<CliRun>;
  /** The same, with more environment (a log level). */
  jifenWith(extraEnv: NodeJS.ProcessEnv, ...args: string[]): Promise<CliRun>;
  close(): Promise<void>;
}

export async function startCliHarness(prefix: string): Promise<CliHarness> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  // The embedded case serves an embedded PostgreSQL in a data folder of its own, as `npm start` would: the CLI joins it.
  const database: TestDatabase = await createTestDatabase(testBackend === 'embedded' ? { dataDir, databaseUrl: undefined } : {});
  const context = await createContext(database.config, { serve: true, log: createLogger('silent') });
  const env = {
    ...process.env, LOG_LEVEL: 'silent', DATA_DIR: dataDir,
    DATABASE_URL: database.config.databaseUrl ?? '', REDIS_URL: database.config.redisUrl ?? '', QUEUE_PREFIX: database.config.queuePrefix,
  };
  const jifenWith = async (extraEnv: NodeJS.ProcessEnv, ...args: string[]): Promise<CliRun> => {
    try {
      const { stdout, stderr } = await run(process.execPath, ['bin/jifen.js', ...args], { cwd: ROOT, env: { ...env, ...extraEnv } });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout + failed.stderr };
    }
  };
  return {
    context,
    dataDir,
    jifen: (...args) => jifenWith({}, ...args),
    jifenWith,
    async close() {
      await closeContext(context);
      await database.drop();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}
