// The second half of `pnpm build`, after tsc -b: each program's entry (tsc's output in lib/) and
// everything it imports, our three packages and their pure-JavaScript dependencies, become one
// ES module, packages/<program>/dist/main.js, which the command, the tests and the benchmark run.
// Why: Node loads one file instead of ~150 (the CLI and its analysis child each start Node), which
// is the largest part of the fixed cost of a run (bench/RESULTS.md, issue 17 third pass). Left
// outside and loaded from node_modules: better-sqlite3 (a native addon its `bindings` finds beside
// itself) and the agent's own server dependencies (etcd3 reads .proto files beside itself; the
// single executable, scripts/binary/build.ts, bundles those too).
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
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
  const { outputFiles } = await build({
    write: false,
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
  replaceChanged(join(dir, 'dist'), outputFiles);
}

/**
 * Put the build into `dist` without a moment in which a running program misses a file: a file
 * whose bytes are unchanged stays (only its time is renewed, for test/bundle-fresh.ts), a changed
 * one is renamed over the old, and the chunks of the last build that this one has not (their names
 * carry a hash of their content) go last. `pnpm sample` in the suite (test/quick-start.test.ts)
 * builds while other tests run the CLI; emptying dist first made them fail to load a chunk.
 */
function replaceChanged(dist: string, files: { path: string; contents: Uint8Array }[]): void {
  mkdirSync(dist, { recursive: true });
  const now = new Date();
  for (const file of files) {
    const old = (() => {
      try {
        return readFileSync(file.path);
      } catch {
        return undefined;
      }
    })();
    if (old?.equals(file.contents)) {
      utimesSync(file.path, now, now);
      continue;
    }
    const staged = `${file.path}.${process.pid}.tmp`;
    // Executable when it starts with #!, as esbuild writes it itself.
    const script = file.contents[0] === 0x23 && file.contents[1] === 0x21;
    writeFileSync(staged, file.contents, { mode: script ? 0o755 : 0o644 });
    renameSync(staged, file.path);
  }
  const built = new Set(files.map((file) => file.path));
  for (const name of readdirSync(dist)) {
    if (!built.has(join(dist, name))) rmSync(join(dist, name), { recursive: true, force: true });
  }
}
