import { defineConfig } from 'vitest/config';

// One fresh database and Redis prefix per run (test/support/global-setup.ts); every file
// creates its own users, queues and servers on port 0, so files run in parallel safely.
export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', 'bench/**', 'test/faults/**'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two test files at a time. vitest's default is one fewer than the CPUs, which is one on CI's
    // 2-core machine: the suite then ran file after file and the CPU sat about half idle, since most
    // of an e2e file's time is waiting on its processes, PostgreSQL and Redis (2026-12-06: 1,282 s for
    // the main suite with one worker, 31 min for .ci/run in all). The fault suite stays one at a time.
    maxWorkers: 2,
  },
});
