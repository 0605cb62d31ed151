// SQLite running out of memory while it reads the private copy is this machine's fault, not the
// snapshot's: the built CLI says DQA_SQLITE_NO_MEMORY (environment, exit 73), not DQA_SQLITE_CORRUPT.
// A real SQLITE_NOMEM needs SQLite's own allocation to fail. The heap limits cannot do it here
// (better-sqlite3 is built without memory statistics, so PRAGMA hard_heap_limit does nothing) and
// `ulimit -v` fails V8's allocations first, aborting Node. So a malloc shim (LD_PRELOAD, compiled
// here with gcc) fails only the allocations made from better_sqlite3.node and only those of at least
// 512 KiB: SQLite loads a 1 MiB kine value whole (kine/value-sql.ts classifies every value up to
// VALUE_READ_LIMIT), and nothing else in the process is touched.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kineSchema } from '@dqlite-analyzer/test-support/kine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_FOR_KIND } from '../../packages/cli/src/exit-codes.js';
import { errorKind } from '../../packages/core/src/errors.js';
import { runCli } from './run-cli.js';

// __libc_malloc and __libc_realloc are glibc's own: no dlsym(RTLD_NEXT) bootstrapping (dlsym
// allocates). dladdr runs only for the large requests, so the rest of the process is not slowed.
const SHIM = `
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
extern void *__libc_malloc(size_t);
extern void *__libc_realloc(void *, size_t);
static size_t limit(void) {
  const char *text = getenv("DQA_TEST_SQLITE_MALLOC_LIMIT");
  return text ? (size_t)strtoull(text, 0, 10) : (size_t)-1;
}
static int refused(size_t size, void *caller) {
  Dl_info info;
  if (size < limit()) return 0;
  if (!dladdr(caller, &info) || !info.dli_fname) return 0;
  return strstr(info.dli_fname, "better_sqlite3.node") != 0;
}
void *malloc(size_t size) {
  if (refused(size, __builtin_return_address(0))) { errno = ENOMEM; return 0; }
  return __libc_malloc(size);
}
void *realloc(void *old, size_t size) {
  if (refused(size, __builtin_return_address(0))) { errno = ENOMEM; return 0; }
  return __libc_realloc(old, size);
}
`;

const haveGcc = !spawnSync('gcc', ['--version']).error;

describe.skipIf(!haveGcc)('SQLite out of memory (malloc shim; needs gcc)', () => {
  let dir: string;
  let shim: string;
  let input: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dqa-nomem-'));
    shim = join(dir, 'sqlite-malloc-limit.so');
    writeFileSync(join(dir, 'shim.c'), SHIM);
    execFileSync('gcc', ['-shared', '-fPIC', '-O2', '-o', shim, join(dir, 'shim.c'), '-ldl']);
    // A kine database with one 1 MiB value, as a plain SQLite file (the CLI takes one).
    input = join(dir, 'state.db');
    const insert =
      'INSERT INTO kine (name, created, deleted, create_revision, prev_revision, lease, value, old_value) ' +
      "VALUES ('/registry/configmaps/default/big', 1, 0, 0, 0, 0, randomblob(1048576), NULL)";
    execFileSync('sqlite3', [input, [...kineSchema('v1'), insert].join(';\n')]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const analyse = (limit: number | undefined) =>
    runCli(
      [input, '--temp-dir', dir, '--fail-on', 'none', '--format', 'json'],
      limit === undefined
        ? { LD_PRELOAD: shim }
        : { LD_PRELOAD: shim, DQA_TEST_SQLITE_MALLOC_LIMIT: String(limit) },
    );

  it('is DQA_SQLITE_NO_MEMORY, an environment error (exit 73), with SQLite’s own code', async () => {
    const result = await analyse(512 * 1024);
    expect(result.stderr).toMatch(
      /^dqlite-analyze: DQA_SQLITE_NO_MEMORY: database "[^"]+": SQLite ran out of memory \(SQLITE_NOMEM: out of memory\)/,
    );
    expect(errorKind('DQA_SQLITE_NO_MEMORY')).toBe('environment');
    expect(result.code).toBe(EXIT_FOR_KIND.environment);
  });

  it('the same run with the shim loaded but no limit analyses the database (the shim alone breaks nothing)', async () => {
    const result = await analyse(undefined);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const analysis = JSON.parse(result.stdout) as { kine: { rows: number } };
    expect(analysis.kine.rows).toBe(1);
  });
});

describe('SQLite out of memory: gcc', () => {
  it('says so when gcc is missing instead of passing silently', (context) => {
    if (haveGcc) return;
    context.skip('gcc not installed: the malloc shim for the SQLITE_NOMEM test cannot be built');
  });
});
