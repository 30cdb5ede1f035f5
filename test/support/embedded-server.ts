import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedServer } from '../../src/db/embedded.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The embedded PostgreSQL this run's "embedded" suites create their databases on. */
    embeddedDatabaseUrl: string;
  }
}

/**
 * globalSetup of the "embedded" project: ONE embedded PostgreSQL per test run, started as
 * `npm start` starts it, in a throwaway folder; every suite creates a database of its own on it.
 * Throwaway, so without fsync; enough connections for suites in parallel and the processes they spawn.
 */
export default async function startTestServer(project: TestProject): Promise<() => Promise<void>> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'jifen-test-pg-'));
  const server = await startEmbeddedServer(dataDir, { durable: false, settings: { max_connections: 400 } });
  project.provide('embeddedDatabaseUrl', server.url);
  return async () => {
    await server.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  };
}
