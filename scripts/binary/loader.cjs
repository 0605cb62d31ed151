'use strict';
// The single executable's main script (docs/binary.md). It unpacks better-sqlite3's addon,
// picks what this start of the file is — the CLI, the agent — and imports that role's bundled
// ES module, which reads process.argv as it does when run by node.
const { mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { basename, join } = require('node:path');
const { getAsset } = require('node:sea');
const vm = require('node:vm');

// Exit codes as the CLI documents them (packages/cli/src/exit-codes.ts); the agent exits 1.
const EX_SOFTWARE = 70;
const EX_CANTCREAT = 73;

const argv = process.argv;
// argv[1] is the name the file was started by: a link named dqlite-agent starts the agent. Any
// other first argument goes to the CLI's module, whose entry handles its hidden subcommands too.
let role = 'cli';
let program = 'dqlite-analyze';
if (basename(argv[1] ?? '') === 'dqlite-agent') {
  role = 'agent';
  program = 'dqlite-agent';
} else if (argv[2] === 'agent') {
  role = 'agent';
  program = 'dqlite-agent';
  argv.splice(2, 1);
}

try {
  unpackSqliteAddon();
} catch (error) {
  process.stderr.write(
    `${program}: cannot load the SQLite addon from ${tmpdir()}: ${error.message}\n` +
      '(set TMPDIR to a writable directory that allows executables: not mounted noexec)\n',
  );
  process.exit(role === 'agent' ? 1 : EX_CANTCREAT);
}

importModule(`${role}.mjs`).catch((error) => {
  process.stderr.write(`${program}: internal error: cannot start: ${error?.stack ?? error}\n`);
  process.exitCode = role === 'agent' ? 1 : EX_SOFTWARE;
});

/**
 * Write the addon into a private directory (mkdtemp: 0700), load it, and remove the directory at
 * once: the mapping outlives the file, so nothing is left behind even after SIGKILL. Threads load
 * it by the same path (bindings.cjs), which the dynamic linker answers from the loaded copy.
 */
function unpackSqliteAddon() {
  const dir = mkdtempSync(join(tmpdir(), 'dqlite-analyze-'));
  try {
    const path = join(dir, 'better_sqlite3.node');
    writeFileSync(path, new Uint8Array(getAsset('better_sqlite3.node')), { mode: 0o500 });
    const module = { exports: {} };
    process.dlopen(module, path);
    process.env.DQLITE_ANALYZE_SQLITE_ADDON = path;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Import a bundled ES module; a data: URL, as the main script of a SEA has no module loader of its own. */
function importModule(name) {
  const url = `data:text/javascript;base64,${Buffer.from(getAsset(name)).toString('base64')}`;
  // Node 20 marks this option experimental and says so on stderr; the Node inside this file is
  // fixed at build time, so the warning tells the user nothing.
  const emitWarning = process.emitWarning;
  process.emitWarning = (warning, ...rest) => {
    if (!String(warning?.message ?? warning).includes('USE_MAIN_CONTEXT_DEFAULT_LOADER')) {
      emitWarning.call(process, warning, ...rest);
    }
  };
  try {
    return vm.runInThisContext(`import(${JSON.stringify(url)})`, {
      importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
  } finally {
    process.emitWarning = emitWarning;
  }
}
