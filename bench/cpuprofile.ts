/**
 * Summarises a V8 .cpuprofile of a benchmark run (node --cpu-prof --import tsx bench/run.ts):
 * self time by package, by project file and by function.
 *
 *   npx tsx bench/cpuprofile.ts <file.cpuprofile> [fromSeconds] [toSeconds]
 */
import fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const [file, fromArg, toArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: tsx bench/cpuprofile.ts <file.cpuprofile> [fromSeconds] [toSeconds]\n');
  process.exit(2);
}
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
const from = fromArg ? Number(fromArg) * 1e6 : 0;
const to = toArg ? Number(toArg) * 1e6 : Infinity;
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));

/** Where a frame's code lives: a package under node_modules, a project folder, Node itself, or V8's pseudo-frames. */
function owner(url: string, functionName: string): string {
  if (!url) return `(${functionName || 'anonymous'})`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return 'node:internal';
  const project = /\/work\/[^/]+\/[^/]+\/((?:[^/]+\/)?[^/]+)$/.exec(url) ?? /([^/]+\/[^/]+)$/.exec(url);
  return `project:${project?.[1] ?? url}`;
}

const byOwner = new Map<string, number>();
const byFunction = new Map<string, number>();
let elapsed = 0;
let total = 0;
for (let i = 0; i < profile.samples.length; i++) {
  elapsed += profile.timeDeltas[i] ?? 0;
  if (elapsed < from || elapsed > to) continue;
  const delta = profile.timeDeltas[i + 1] ?? 0;
  const node = nodes.get(profile.samples[i]!)!;
  const { functionName, url, lineNumber } = node.callFrame;
  const key = owner(url, functionName);
  byOwner.set(key, (byOwner.get(key) ?? 0) + delta);
  const fn = `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/\/work\/[^/]+\/[^/]+\//, '')}:${lineNumber + 1}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + delta);
  total += delta;
}

const print = (title: string, map: Map<string, number>, limit: number) => {
  process.stdout.write(`${title}\n`);
  for (const [key, us] of [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, limit)) {
    process.stdout.write(`  ${(us / 1000).toFixed(0).padStart(8)} ms ${((us / total) * 100).toFixed(1).padStart(5)}%  ${key}\n`);
  }
};
process.stdout.write(`${(total / 1e6).toFixed(1)} s of samples (of ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s profiled)\n`);
print('self time by owner:', byOwner, 25);
print('self time by function:', byFunction, 30);
