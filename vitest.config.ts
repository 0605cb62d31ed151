import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'core', include: ['packages/core/test/**/*.test.ts'] } },
      { test: { name: 'cli', include: ['packages/cli/test/**/*.test.ts'] } },
      { test: { name: 'agent', include: ['packages/agent/test/**/*.test.ts'] } },
      {
        test: {
          name: 'e2e',
          include: ['test/**/*.test.ts'],
          // Tests here start a real dqlite node and run the built binaries: seconds, not milliseconds.
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
    // The e2e tests share one real dqlite node per file; two CPUs are all CI has.
    maxWorkers: 2,
  },
});
