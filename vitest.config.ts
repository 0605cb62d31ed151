import { defineConfig } from 'vitest/config';

// Tests run against the sources, never a stale dist/: packages/core/package.json maps this export
// condition to src/index.ts, so `@dqlite-analyzer/core` is the source in every test (and in the
// agent's analysis child under vitest, see packages/agent/src/analysis-child.ts). The other
// entries are Vite's default server conditions, which a custom list replaces.
const SOURCE_CONDITION = '@dqlite-analyzer/source';

export default defineConfig({
  ssr: { resolve: { conditions: [SOURCE_CONDITION, 'module', 'node', 'development|production'] } },
  test: {
    projects: [
      { extends: true, test: { name: 'core', include: ['packages/core/test/**/*.test.ts'] } },
      { extends: true, test: { name: 'cli', include: ['packages/cli/test/**/*.test.ts'] } },
      { extends: true, test: { name: 'agent', include: ['packages/agent/test/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/**/*.test.ts'],
          // Tests here start a real dqlite node and run the built binaries: seconds, not milliseconds.
          globalSetup: ['test/bundle-fresh.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
    // The e2e tests share one real dqlite node per file; two CPUs are all CI has.
    maxWorkers: 2,
  },
});
