import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = path.resolve(import.meta.dirname, '../..');

export type ServerOutcome = { serving: true } | { serving: false; code: number | null; output: string };

/** `npm start` (bin/launch.js src/server.ts: dist/ when fresh) as a process of its own, as an operator runs it. */
export interface ServerProcess {
  child: ChildProcess;
  port: number;
  /** Settles once it listens (serving) or exits before that (with its output). */
  outcome: Promise<ServerOutcome>;
  /** SIGTERM, then its exit code. */
  stop(): Promise<number | null>;
}

export function startServerProcess(port: number, env: Record<string, string>): ServerProcess {
  const child = spawn(process.execPath, ['bin/launch.js', 'src/server.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DATABASE_URL: '', REDIS_URL: '', LOG_LEVEL: 'info', HOST: '127.0.0.1', PORT: String(port), ...env },
  });
  const exited = once(child, 'exit') as Promise<[number | null]>;
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
  const outcome = new Promise<ServerOutcome>((resolve) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output += `${line}\n`;
      if (line.includes('jifen listening on')) resolve({ serving: true });
    });
    void exited.then(([code]) => resolve({ serving: false, code, output }));
  });
  return {
    child,
    port,
    outcome,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return (await exited)[0];
    },
  };
}
