/**
 * `npm run bench`: jifen's end-to-end claim throughput against raw BullMQ throughput, on the
 * backend the environment selects (nothing = embedded PGlite; DATABASE_URL = PostgreSQL;
 * DATABASE_URL + REDIS_URL = PostgreSQL with queues on Redis), measured in one run.
 *
 *   BENCH_JOBS=3000         no-op jobs for the BullMQ baseline
 *   BENCH_CLAIMS=300        villager claims for the end-to-end run (each is 14 jobs: 8 pipeline, 2 delayed review reminders, 4 SMS)
 *   BENCH_CONCURRENCY=32    webhook requests in flight at most
 *   BENCH_TIMEOUT_MS=300000 overall limit; the run stops and cleans up when it is reached
 *   BENCH_PROFILE=1         also count SQL statements and report job and claim timings (slightly slower)
 *
 * First, without any backend, understanding throughput on one core (bench/understanding.ts).
 *
 * Progress goes to stderr; stdout gets two lines, understanding's first:
 *   RESULT understanding_msgs_per_s=<x> baseline_segment_msgs_per_s=<y> ratio=<x/y>
 *   RESULT e2e_claims_per_s=<x> baseline_jobs_per_s=<y> ratio=<x/y>
 */
import { closeContext, createContext, type Context } from '../src/context.ts';
import { createLogger } from '../src/log.ts';
import { FakeTwilio } from '../test/support/fake-twilio.ts';
import { runBaseline } from './baseline.ts';
import { runEndToEnd } from './e2e.ts';
import { createBenchEnv, type BenchEnv } from './env.ts';
import { QueryProfiler } from './profile.ts';
import { runUnderstandingBench, understandingResultLine } from './understanding.ts';
import { Deadline, envInt, fmt, log } from './util.ts';

// Sized so that each backend finishes in under two minutes on a 2-core machine (embedded PGlite is the slowest).
const jobs = envInt('BENCH_JOBS', 3_000);
const claims = envInt('BENCH_CLAIMS', 300);
const clientConcurrency = envInt('BENCH_CONCURRENCY', 32);
const timeoutMs = envInt('BENCH_TIMEOUT_MS', 300_000);
const profile = ['1', 'true', 'yes'].includes((process.env.BENCH_PROFILE ?? '').toLowerCase());

const deadline = new Deadline(timeoutMs);
// Last resort if cleanup itself hangs: the process never outlives the limit by more than a minute.
setTimeout(() => {
  log('hard timeout: exiting without finishing cleanup');
  process.exit(3);
}, timeoutMs + 60_000).unref();

let twilioApi: FakeTwilio | undefined;
let env: BenchEnv | undefined;
let context: Context | undefined;
let tornDown = false;

async function teardown(): Promise<void> {
  if (tornDown) return;
  tornDown = true;
  if (context) await closeContext(context).catch((error: unknown) => log(`closing jifen failed: ${(error as Error).message}`));
  await twilioApi?.stop().catch(() => {});
  await env?.cleanup();
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: cleaning up`);
    void teardown().finally(() => process.exit(130));
  });
}

let exitCode = 0;
try {
  process.stdout.write(understandingResultLine(await runUnderstandingBench()));

  log(`jobs=${jobs} claims=${claims} client concurrency=${clientConcurrency} timeout=${timeoutMs} ms${profile ? ' (profiling)' : ''}`);
  twilioApi = await new FakeTwilio().start();
  env = await createBenchEnv(twilioApi.url);
  context = await deadline.race(createContext(env.config, { serve: true, log: createLogger('silent') }), 'opening the database');
  log(`worker concurrency ${env.config.workerConcurrency} per worker, lock ${env.config.jobLockMs} ms`);

  const baseline = await runBaseline(env.config, context.database.url, jobs, deadline);

  const profiler = profile ? new QueryProfiler() : undefined;
  profiler?.install();
  const e2e = await runEndToEnd(context, twilioApi, { claims, clientConcurrency, deadline, profiler });
  profiler?.uninstall();

  const ratio = e2e.claimsPerS / baseline.jobsPerS;
  log(`${env.backend}: e2e ${fmt(e2e.claimsPerS)} claims/s (${claims} in ${(e2e.elapsedMs / 1000).toFixed(2)} s), `
    + `baseline ${fmt(baseline.jobsPerS)} jobs/s (${jobs} in ${(baseline.elapsedMs / 1000).toFixed(2)} s)`);
  process.stdout.write(`RESULT e2e_claims_per_s=${fmt(e2e.claimsPerS)} baseline_jobs_per_s=${fmt(baseline.jobsPerS)} ratio=${fmt(ratio)}\n`);
} catch (error) {
  exitCode = 1;
  log(`FAILED: ${(error as Error).stack ?? error}`);
} finally {
  await teardown();
}
process.exit(exitCode);
