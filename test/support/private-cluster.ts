import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../src/config.ts';
import { initialiseCluster, startCluster, type ClusterOptions, type RunningCluster } from '../../src/db/postgres-cluster.ts';

export interface PrivateCluster {
  folder: string;
  options: ClusterOptions;
  /** jifen's DATA_DIR, in the same throwaway folder. */
  dataDir: string;
  cluster: RunningCluster;
  url(port: number): string;
}

/** A PostgreSQL cluster of the test's own (the embedded server's binaries), in a throwaway folder that also holds jifen's DATA_DIR: a test may stop it. */
export async function privateCluster(): Promise<PrivateCluster> {
  const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'jifen-spool-'));
  const password = randomBytes(8).toString('hex');
  const options: ClusterOptions = { dir: path.join(folder, 'pg'), logFile: path.join(folder, 'pg.log'), user: 'jifen', password, durable: false };
  await initialiseCluster(options);
  return { folder, options, dataDir: path.join(folder, 'data'), cluster: await startCluster(options), url: (port: number) => `postgres://jifen:${password}@127.0.0.1:${port}/postgres` };
}

/** Settings for jifen on a private cluster: the API token given, the spool imported every 200 ms. */
export const spooling = (apiToken: string, config: Partial<Config>, operations: Partial<Config['operations']> = {}): Partial<Config> => ({
  apiToken, ...config, operations: { ...loadConfig({}).operations, spoolImportEveryMs: 200, ...operations },
});
