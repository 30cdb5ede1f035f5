/**
 * `npm run bench`: jifen's end-to-end claim throughput against raw BullMQ throughput, on the
 * backend the environment selects (nothing = embedded PostgreSQL; DATABASE_URL = PostgreSQL;
 * DATABASE_URL + REDIS_URL = PostgreSQL with queues on Redis), measured in one run.
 *
 *   BENCH_JOBS=3000         no-op jobs for the BullMQ baseline
 *   BENCH_CLAIMS=300        villager claims for the end-to-end run (each is about 4 jobs: the claim, its send batch, the approval, its send batch)
 *   BENCH_CONCURRENCY=32    webhook requests in flight at most
 *   BENCH_TIMEOUT_MS=300000 overall limit; the run stops and cleans up when it is reached
 *   BENCH_PROFILE=1         also count SQL statements and report job and claim timings (slightly slower)
 *   BENCH_WEEKLY_HOUSEHOLDS=100000, BENCH_WEEKLY_VILLAGES=200   the weekly fan-out (20,000 / 40 without Redis)
 *   BENCH_OPEN_LOOP_S=20    the open-loop run's length: claims offered at half the e2e rate for this long
 *   BENCH_ONLY=weekly       run only some parts: understanding, start, e2e, weekly (comma-separated)
 *
 * First, without any backend, understanding throughput on one core (bench/understanding.ts); then
 * `npm start`'s start-up time and idle memory on the embedded default (bench/embedded-start.ts).
 *
 * Progress goes to stderr; stdout gets one line per part, in this order:
 *   RESULT understanding_msgs_per_s=<x> baseline_segment_msgs_per_s=<y> ratio=<x/y>
 *   RESULT embedded_warm_start_ms=<t> warm_start_cpu_ms=<t> cold_start_ms=<t> rss_mb=<m> pss_mb=<m> baseline_node_start_ms=<t> ratio=<warm/baseline>
 *   RESULT weekly_households_per_s=<x> baseline_jobs_per_s=<y> ratio=<x/y>
 *   RESULT e2e_claims_per_s=<x> baseline_jobs_per_s=<y> ratio=<x/y>
 *   RESULT open_loop_claims_per_s=<r> p95_stored_to_review_ms=<t>   (claims offered at half the e2e rate)
 *   RESULT e2e_sql_per_claim=<n> jobs_per_claim=<m> p95_stored_to_review_ms=<t>   (statements and jobs counted webhook to confirmation; p95 of the open loop)
 * The weekly fan-out runs on its own database, queue prefix and fake provider (its 100,000 households
 * would slow the claims down, and its messages must not reach the end-to-end run's provider).
 */
import { closeContext, createContext, type Context } from '../src/context.ts';
import { createLogger } from '../src/log.ts';
import { FakeTwilio } from '../test/support/fake-twilio.ts';
import { runBaseline } from './baseline.ts';
import { APPROVER, runEndToEnd } from './e2e.ts';
import { runEmbeddedStartBench } from './embedded-start.ts';
import { createBenchEnv, type BenchEnv } from './env.ts';
import { storedToReview } from './open-loop.ts';
import { QueryProfiler } from './profile.ts';
import { runUnderstandingBench, understandingResultLine } from './understanding.ts';
import { runWeeklyBench } from './weekly.ts';
import { Deadline, envInt, fmt, log } from './util.ts';

// Sized so that each backend finishes in under two minutes on a 2-core machine (the embedded default is the slowest).
const jobs = envInt('BENCH_JOBS', 3_000);
const claims = envInt('BENCH_CLAIMS', 300);
const clientConcurrency = envInt('BENCH_CONCURRENCY', 32);
const timeoutMs = envInt('BENCH_TIMEOUT_MS', 300_000);
const profile = ['1', 'true', 'yes'].includes((process.env.BENCH_PROFILE ?? '').toLowerCase());
const onRedis = !!process.env.REDIS_URL?.trim();
const weeklyHouseholds = envInt('BENCH_WEEKLY_HOUSEHOLDS', onRedis ? 100_000 : 20_000);
const weeklyVillages = envInt('BENCH_WEEKLY_VILLAGES', onRedis ? 200 : 40);
const openLoopSeconds = envInt('BENCH_OPEN_LOOP_S', 20);
const only = new Set((process.env.BENCH_ONLY ?? 'understanding,start,e2e,weekly').split(',').map((part) => part.trim()));

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

async function closeRun(): Promise<void> {
  if (context) await closeContext(context).catch((error: unknown) => log(`closing jifen failed: ${(error as Error).message}`));
  context = undefined;
  await env?.cleanup();
  env = undefined;
  await twilioApi?.stop().catch(() => {});
  twilioApi = undefined;
}

async function teardown(): Promise<void> {
  if (tornDown) return;
  tornDown = true;
  await closeRun();
}

/** A fresh database, queue prefix and fake provider on the selected backend, with jifen opened on it. */
async function openRun(configure: (config: BenchEnv['config']) => BenchEnv['config'] = (config) => config): Promise<Context> {
  twilioApi = await new FakeTwilio().start();
  env = await createBenchEnv(twilioApi.url);
  env.config = configure(env.config);
  context = await deadline.race(createContext(env.config, { serve: true, log: createLogger('silent') }), 'opening the database');
  return context;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: cleaning up`);
    void teardown().finally(() => process.exit(130));
  });
}

let exitCode = 0;
try {
  if (only.has('understanding')) process.stdout.write(understandingResultLine(await runUnderstandingBench()));
  if (only.has('start')) process.stdout.write(await runEmbeddedStartBench());

  log(`jobs=${jobs} claims=${claims} client concurrency=${clientConcurrency} timeout=${timeoutMs} ms${profile ? ' (profiling)' : ''}`);
  let baseline: Awaited<ReturnType<typeof runBaseline>> | undefined;
  if (only.has('weekly')) {
    // The fake provider takes any rate: the limiters must not be what is measured.
    const run = await openRun((config) => ({ ...config, sendPerSecond: { sms: 1_000_000, wechat: 1_000_000 } }));
    baseline = await runBaseline(env!.config, run.database.url, jobs, deadline);
    const weekly = await runWeeklyBench(run, twilioApi!, { households: weeklyHouseholds, villages: weeklyVillages, deadline });
    log(`${env!.backend}: weekly ${fmt(weekly.householdsPerS)} households/s (${weekly.households} in ${(weekly.elapsedMs / 1000).toFixed(2)} s), baseline ${fmt(baseline.jobsPerS)} jobs/s`);
    process.stdout.write(`RESULT weekly_households_per_s=${fmt(weekly.householdsPerS)} baseline_jobs_per_s=${fmt(baseline.jobsPerS)} ratio=${fmt(weekly.householdsPerS / baseline.jobsPerS)}\n`);
    await closeRun();
  }
  if (only.has('e2e')) {
    const run = await openRun();
    log(`worker concurrency ${env!.config.workerConcurrency} per worker, lock ${env!.config.jobLockMs} ms`);
    baseline ??= await runBaseline(env!.config, run.database.url, jobs, deadline);

    const profiler = profile ? new QueryProfiler() : undefined;
    profiler?.install();
    const e2e = await runEndToEnd(run, twilioApi!, { claims, clientConcurrency, deadline, profiler });
    profiler?.uninstall();

    const ratio = e2e.claimsPerS / baseline.jobsPerS;
    log(`${env!.backend}: e2e ${fmt(e2e.claimsPerS)} claims/s (${claims} in ${(e2e.elapsedMs / 1000).toFixed(2)} s), `
      + `baseline ${fmt(baseline.jobsPerS)} jobs/s (${jobs} in ${(baseline.elapsedMs / 1000).toFixed(2)} s)`);
    process.stdout.write(`RESULT e2e_claims_per_s=${fmt(e2e.claimsPerS)} baseline_jobs_per_s=${fmt(baseline.jobsPerS)} ratio=${fmt(ratio)}\n`);
    await closeRun();

    // Open loop on a fresh run: claims offered at half the rate just measured, latency from the webhook's row to the review request sent.
    const ratePerS = e2e.claimsPerS / 2;
    const offered = Math.max(20, Math.round(ratePerS * openLoopSeconds));
    const openLoop = await openRun();
    log(`open loop: ${offered} claims offered at ${fmt(ratePerS)} claims/s`);
    await runEndToEnd(openLoop, twilioApi!, { claims: offered, clientConcurrency, deadline, ratePerS });
    const latency = await storedToReview(openLoop, APPROVER);
    log(`open loop: webhook stored → review request sent over ${latency.n} claims: p50 ${fmt(latency.p50Ms)} ms, p95 ${fmt(latency.p95Ms)} ms, max ${fmt(latency.maxMs)} ms`);
    process.stdout.write(`RESULT open_loop_claims_per_s=${fmt(ratePerS)} p95_stored_to_review_ms=${fmt(latency.p95Ms)}\n`);
    process.stdout.write(`RESULT e2e_sql_per_claim=${fmt(e2e.sqlPerClaim)} jobs_per_claim=${fmt(e2e.jobsPerClaim)} p95_stored_to_review_ms=${fmt(latency.p95Ms)}\n`);
  }
} catch (error) {
  exitCode = 1;
  log(`FAILED: ${(error as Error).stack ?? error}`);
} finally {
  await teardown();
}
process.exit(exitCode);
