// The second half of `pnpm build`, after tsc -b: each program's entry (tsc's output in lib/) and
// everything it imports, our three packages and their pure-JavaScript dependencies, become one
// ES module, packages/<program>/dist/main.js, which the command, the tests and the benchmark run.
// Why: Node loads one file instead of ~150 (the CLI and its analysis child each start Node), which
// is the largest part of the fixed cost of a run (bench/RESULTS.md, issue 17 third pass). Left
// outside and loaded from node_modules: better-sqlite3 (a native addon its `bindings` finds beside
// itself) and the agent's own server dependencies (etcd3 reads .proto files beside itself; the
// single executable, scripts/binary/build.ts, bundles those too).
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { lazyRequire } from './esbuild-plugins.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

for (const program of ['cli', 'agent']) {
  const dir = join(root, 'packages', program);
  const { dependencies } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const external = Object.keys(dependencies).filter(
    (name) => !name.startsWith('@dqlite-analyzer/') && (program === 'agent' || name === 'better-sqlite3'),
  );
  // Chunk names carry a hash of their content: last build's chunks would stay beside the new ones.
  rmSync(join(dir, 'dist'), { recursive: true, force: true });
  await build({
    entryPoints: [join(dir, 'lib/main.js')],
    outdir: join(dir, 'dist'),
    bundle: true,
    // The parent process loads the program's chunks, the analysis child the core's: each only what
    // it runs (the CLI's parent 53 -> 45 MiB with --help). Chunks sit beside main.js, so the URLs our
    // sources resolve against import.meta.url (./main.js, ../package.json) mean the same from any of them.
    splitting: true,
    chunkNames: '[name]-[hash]',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external,
    // CommonJS dependencies call require(): give the module one, resolving from its own package.
    banner: {
      js: "import { createRequire as dqaCreateRequire } from 'node:module';\nconst require = dqaCreateRequire(import.meta.url);",
    },
    plugins: [lazyRequire],
    sourcemap: 'linked',
    legalComments: 'linked',
    logLevel: 'warning',
  });
}
