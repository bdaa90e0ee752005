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
  },
});
