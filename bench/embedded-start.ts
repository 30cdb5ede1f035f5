import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { freeLoopbackPort } from '../src/free-port.ts';
import { startServerProcess } from '../test/support/server-process.ts';
import { fmt, log, sleep, stats } from './util.ts';

/**
 * `npm start` on the embedded default, as an operator runs it: the first start on an empty
 * DATA_DIR (cold: initdb, first migration, example village), then warm starts on the same folder,
 * each timed from spawn to "jifen listening"; then the memory of jifen and its PostgreSQL together,
 * idle. Baseline: the same machine's bare `node -e 0`, so the ratio does not depend on the machine.
 *
 *   RESULT embedded_warm_start_ms=<p50> warm_start_cpu_ms=<p50> cold_start_ms=<t> rss_mb=<sum> pss_mb=<sum> baseline_node_start_ms=<p50> ratio=<warm/baseline>
 *
 * rss_mb adds up every process's resident set (counting pages they share — PostgreSQL's shared
 * buffers, libraries — once per process); pss_mb shares those out, so it is the memory they take together.
 */

const run = promisify(execFile);
const WARM_STARTS = 3;
/** Long enough for start-up work (sweeper, schedulers) to finish and idle pools to settle. */
const IDLE_MS = 15_000;

/** The fields of /proc/<pid>/stat after the command name: [0] state, [1] parent, [11] utime, [12] stime. */
function statFields(pid: number | string): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // exited meanwhile
  }
}

/** A process and all its descendants (Linux /proc): jifen (and tsx's esbuild when dist/ is stale), the watchdog shell, PostgreSQL and its backends. */
function processTree(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    const fields = /^\d+$/.test(entry) ? statFields(entry) : undefined;
    if (fields) parents.set(Number(entry), Number(fields[1]));
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) for (const [pid, parent] of parents) if (parent === tree[i]) tree.push(pid);
  return tree;
}

/**
 * CPU time these processes have used, in ms (clock ticks of 10 ms): on a busy shared machine the
 * wall-clock start-up time mostly measures waiting for a core, the CPU time what starting costs.
 */
function cpuMs(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    const fields = statFields(pid);
    if (fields) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks * 10;
}

/** Resident (RSS) and proportional (PSS) memory of these processes together, in MB. */
function memoryMb(pids: number[]): { rss: number; pss: number } {
  let rss = 0;
  let pss = 0;
  for (const pid of pids) {
    try {
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      rss += Number(/^Rss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
      pss += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
    } catch { /* exited meanwhile */ }
  }
  return { rss: rss / 1024, pss: pss / 1024 };
}

async function timedStart(dataDir: string) {
  const port = await freeLoopbackPort();
  const began = performance.now();
  const server = startServerProcess(port, { DATA_DIR: dataDir });
  const outcome = await server.outcome;
  const ms = performance.now() - began;
  if (!outcome.serving) throw new Error(`npm start failed (exit ${outcome.code}): ${outcome.output.slice(-500)}`);
  return { ms, cpuMs: cpuMs(processTree(server.child.pid!)), server };
}

async function bareNodeMs(): Promise<number> {
  const began = performance.now();
  await run(process.execPath, ['-e', '0']);
  return performance.now() - began;
}

export async function runEmbeddedStartBench(): Promise<string> {
  if (process.platform !== 'linux') throw new Error('the start-up benchmark reads /proc: Linux only');
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'jifen-bench-start-'));
  try {
    const cold = await timedStart(dataDir);
    await cold.server.stop();
    const warm: number[] = [];
    const warmCpu: number[] = [];
    let memory = { rss: 0, pss: 0 };
    for (let i = 0; i < WARM_STARTS; i++) {
      const { ms, cpuMs: cpu, server } = await timedStart(dataDir);
      warm.push(ms);
      warmCpu.push(cpu);
      if (i === WARM_STARTS - 1) {
        await sleep(IDLE_MS);
        memory = memoryMb(processTree(server.child.pid!));
      }
      await server.stop();
    }
    const baseline: number[] = [];
    for (let i = 0; i < 5; i++) baseline.push(await bareNodeMs());
    const warmMs = stats(warm).p50;
    const baseMs = stats(baseline).p50;
    log(`embedded start: cold ${fmt(cold.ms)} ms (CPU ${fmt(cold.cpuMs)} ms), warm ${warm.map((ms) => fmt(ms)).join(' / ')} ms (CPU ${warmCpu.map((ms) => fmt(ms)).join(' / ')} ms), idle RSS ${fmt(memory.rss)} MB (PSS ${fmt(memory.pss)} MB), bare node ${fmt(baseMs)} ms, load ${os.loadavg()[0]!.toFixed(1)}`);
    return `RESULT embedded_warm_start_ms=${fmt(warmMs)} warm_start_cpu_ms=${fmt(stats(warmCpu).p50)} cold_start_ms=${fmt(cold.ms)} rss_mb=${fmt(memory.rss)} pss_mb=${fmt(memory.pss)} baseline_node_start_ms=${fmt(baseMs)} ratio=${fmt(warmMs / baseMs)}\n`;
  } finally {
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}
