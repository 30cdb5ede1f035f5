/**
 * How fast the CLI answers: `jifen balance <household>` against bare `node -e 0`, each run
 * `BENCH_CLI_RUNS` times (default 7), interleaved so both see the same machine; medians compared.
 * The CLI joins the running jifen's database as an operator's would.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Context } from '../src/context.ts';
import { importVillage } from '../src/village/import.ts';
import { readVillageFile } from '../src/village/village-file.ts';
import type { BenchEnv } from './env.ts';
import { envInt, percentile } from './util.ts';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..');

async function timed(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const started = performance.now();
  await run(process.execPath, args, { cwd: ROOT, env });
  return performance.now() - started;
}

export interface CliBench { cliBalanceMs: number; nodeStartupMs: number }

export async function runCliBench(context: Context, env: BenchEnv): Promise<CliBench> {
  await importVillage(context.db, await readVillageFile(path.join(ROOT, 'example/fangniuping.yaml')));
  const { config } = env;
  const cliEnv = {
    ...process.env, LOG_LEVEL: 'silent', DATA_DIR: config.dataDir,
    DATABASE_URL: config.databaseUrl ?? '', REDIS_URL: config.redisUrl ?? '', QUEUE_PREFIX: config.queuePrefix,
  };
  const runs = envInt('BENCH_CLI_RUNS', 7);
  const cli: number[] = [];
  const bare: number[] = [];
  await timed(['bin/jifen.js', 'balance', 'FNP-001'], cliEnv); // warm the file cache once
  for (let i = 0; i < runs; i++) {
    cli.push(await timed(['bin/jifen.js', 'balance', 'FNP-001', '--json'], cliEnv));
    bare.push(await timed(['-e', '0'], cliEnv));
  }
  const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 50);
  return { cliBalanceMs: median(cli), nodeStartupMs: median(bare) };
}
