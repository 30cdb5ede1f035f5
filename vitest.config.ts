import { defineConfig } from 'vitest/config';

/**
 * Unit tests run once. Integration suites run on the embedded default always (one embedded
 * PostgreSQL per run, see test/support/embedded-server.ts), and again on PostgreSQL (DATABASE_URL)
 * and on PostgreSQL + Redis (DATABASE_URL and REDIS_URL) when set.
 */
const backends = ['embedded'];
if (process.env.DATABASE_URL) backends.push('postgres');
if (process.env.DATABASE_URL && process.env.REDIS_URL) backends.push('redis');

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      ...backends.map((backend) => ({
        test: {
          name: backend,
          include: ['test/integration/**/*.test.ts'],
          env: { JIFEN_TEST_BACKEND: backend },
          globalSetup: backend === 'embedded' ? ['test/support/embedded-server.ts'] : [],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      })),
    ],
  },
});
