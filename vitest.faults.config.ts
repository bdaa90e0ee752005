import { defineConfig } from 'vitest/config';

// The fault suite (`npm run test:faults`): each file starts its own PostgreSQL cluster and Redis
// (test/faults/support/) and kills, stops and restarts them and the services. Files run one after
// the other: they are heavy, and timing-sensitive cases must not compete with each other for the CPU.
export default defineConfig({
  test: {
    include: ['test/faults/**/*.faults.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 600_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
