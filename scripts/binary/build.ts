// pnpm build:binary — one file holding Node, our bundled code and better-sqlite3's addon
// (docs/binary.md). Node's single-executable applications: the bundles and the addon become
// assets of a blob (node --experimental-sea-config) that postject writes into a copy of node.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { lazyRequire } from '../esbuild-plugins.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const work = join(root, 'dist/binary-build');
const output = join(root, 'dist/dqlite-analyze-linux-x64');
// postject's sentinel: the string node checks to know a blob was injected (nodejs/node:
// doc/api/single-executable-applications.md).
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

if (process.platform !== 'linux' || process.arch !== 'x64') {
  throw new Error(
    `the binary is built for linux-x64, on linux-x64 (this is ${process.platform}-${process.arch})`,
  );
}

const { version } = JSON.parse(readFileSync(join(root, 'packages/cli/package.json'), 'utf8')) as {
  version: string;
};
const commit = gitCommit();
const coreRequire = createRequire(join(root, 'packages/core/package.json'));
const addon = join(
  dirname(coreRequire.resolve('better-sqlite3/package.json')),
  'build/Release/better_sqlite3.node',
);

// etcd3 reads its .proto files beside itself when it loads (etcd3: lib/connection-pool.js,
// loadSync(`${__dirname}/../proto/rpc.proto`)): in the bundle the parsed definitions go in as
// JSON instead, through @grpc/proto-loader's fromJSON with the same options.
const etcdProtos: Plugin = {
  name: 'etcd-protos',
  setup(b) {
    b.onLoad({ filter: /etcd3[/\\]lib[/\\]connection-pool\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the text of etcd3's source, not ours
      const call = '(0, proto_loader_1.loadSync)(`${__dirname}/../proto/rpc.proto`, {';
      if (!source.includes(call))
        throw new Error(`etcd3 changed: ${args.path} no longer loads rpc.proto as expected`);
      const etcdRequire = createRequire(args.path);
      const protobuf = etcdRequire(
        etcdRequire.resolve('protobufjs', { paths: [etcdRequire.resolve('@grpc/proto-loader')] }),
      );
      const rootProto = new protobuf.Root();
      rootProto.resolvePath = (_origin: string, target: string) =>
        join(dirname(args.path), '../proto', target);
      rootProto.loadSync('rpc.proto', { keepCase: true });
      const json = JSON.stringify(rootProto.toJSON());
      return { contents: source.replace(call, `(0, proto_loader_1.fromJSON)(${json}, {`), loader: 'js' };
    });
  },
};

// The workspace's own compile first (lib/), so the bundles are made of the sources as they are now.
execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b'], {
  cwd: root,
  stdio: 'inherit',
});
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

// Each role and worker is one ES module (top-level await, as in the sources), loaded by
// loader.cjs from a data: URL; sourceURL names it in stack traces instead of the whole URL.
const modules: Record<string, string | { contents: string; resolveDir: string }> = {
  // Also the analysis child the CLI and the agent start of themselves (`<file> __analysis-child`,
  // which the loader hands to the CLI's entry).
  'cli.mjs': join(root, 'packages/cli/lib/main.js'),
  'agent.mjs': join(root, 'packages/agent/lib/main.js'),
  // The driver the side thread imports (packages/core/src/sqlite/side-thread.ts).
  'better-sqlite3.mjs': {
    contents: "export { default } from 'better-sqlite3';",
    resolveDir: join(root, 'packages/core'),
  },
};
for (const [name, entry] of Object.entries(modules)) {
  await build({
    ...(typeof entry === 'string' ? { entryPoints: [entry] } : { stdin: entry }),
    outfile: join(work, name),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // better-sqlite3 finds its addon through `bindings`: bindings.cjs hands it the unpacked one.
    alias: { bindings: join(root, 'scripts/binary/bindings.cjs') },
    define: { DQA_BUILD: JSON.stringify({ version, commit }) },
    // CommonJS dependencies call require(): give the module one (data: URLs have no location).
    banner: {
      js: "import { createRequire as dqaCreateRequire } from 'node:module';\nconst require = dqaCreateRequire(process.execPath);",
    },
    footer: { js: `//# sourceURL=dqlite-analyze:${name}` },
    plugins: [lazyRequire, etcdProtos],
    legalComments: 'eof',
    logLevel: 'warning',
  });
}
await build({
  entryPoints: [join(root, 'scripts/binary/loader.cjs')],
  outfile: join(work, 'loader.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
});

const assets: Record<string, string> = { 'better_sqlite3.node': addon };
for (const name of Object.keys(modules)) assets[name] = join(work, name);
const seaConfig = {
  main: join(work, 'loader.cjs'),
  output: join(work, 'sea-prep.blob'),
  disableExperimentalSEAWarning: true,
  // A code cache would tie the blob to V8 flags; the loader is a few lines anyway.
  useCodeCache: false,
  assets,
};
writeFileSync(join(work, 'sea-config.json'), `${JSON.stringify(seaConfig, null, 2)}\n`);
quiet('node --experimental-sea-config', process.execPath, [
  '--experimental-sea-config',
  join(work, 'sea-config.json'),
]);

// Node's own debug information is ~12 MB of the ~99 MB: stripped before the blob goes in (strip
// after postject would drop the injected note). Where strip is missing, the file stays larger.
const partial = join(work, 'dqlite-analyze');
copyFileSync(process.execPath, partial);
chmodSync(partial, 0o755);
try {
  execFileSync('strip', ['--strip-all', partial], { stdio: 'inherit' });
} catch {
  process.stderr.write('build:binary: strip failed or is missing; the binary keeps debug information\n');
}
const postject = join(
  dirname(createRequire(import.meta.url).resolve('postject/package.json')),
  'dist/cli.js',
);
// postject (LIEF) warns about every note section of node.
quiet('postject', process.execPath, [
  postject,
  partial,
  'NODE_SEA_BLOB',
  join(work, 'sea-prep.blob'),
  '--sentinel-fuse',
  FUSE,
]);
renameSync(partial, output);

const bytes = readFileSync(output);
const sha256 = createHash('sha256').update(bytes).digest('hex');
writeFileSync(`${output}.sha256`, `${sha256}  dqlite-analyze-linux-x64\n`);
process.stdout.write(
  `${output}\n  version ${version}+${commit}, Node ${process.version}\n` +
    `  ${(bytes.length / 1024 / 1024).toFixed(1)} MiB\n  sha256 ${sha256}\n`,
);

/** Run a step whose output says nothing unless it fails. */
function quiet(step: string, command: string, args: string[]): void {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) {
    process.stderr.write(`${result.stdout}${result.stderr}`);
    throw new Error(`build:binary: ${step} failed (exit ${result.status ?? result.signal})`);
  }
}

function gitCommit(): string {
  if (process.env.DQA_COMMIT) return process.env.DQA_COMMIT;
  try {
    const head = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], {
      cwd: root,
      encoding: 'utf8',
    }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: root,
      encoding: 'utf8',
    });
    return dirty.trim() ? `${head}-dirty` : head;
  } catch {
    return 'unknown';
  }
}
