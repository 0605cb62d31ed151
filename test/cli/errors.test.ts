// Every error is one stderr line, `dqlite-analyze: [DQA_CODE: ]message; next step`, with its exit code:
// the built binary run as a user would, on a snapshot a real dqlite node wrote without any kine table,
// on the sample snapshot made unreadable, on data directories without a snapshot, and with output
// paths that cannot be written.
import { execFile } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SnapshotFiles, startDqliteNode, stopAllNodes } from '@dqlite-analyzer/test-support/dqlite-node';
import { mountTmpfs, unmount } from '@dqlite-analyzer/test-support/tmpfs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, type CliResult, runCli } from './run-cli.js';

const SAMPLE = new URL('../../examples/sample-snapshot/', import.meta.url).pathname;
const ONE_LINE = /^dqlite-analyze: [^\n]+\n$/;
let scratch: string;
let noKine: SnapshotFiles;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'dqa-cli-errors-'));
  // A dqlite node whose only databases are not kine (as on an LXD or a demo cluster).
  const node = await startDqliteNode();
  await node.exec('demo', ['CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT)']);
  noKine = await node.copySnapshot(await node.padUntilSnapshot(), join(scratch, 'no-kine'));
  await node.stop();
});

afterAll(async () => {
  await stopAllNodes();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

function expectError(result: CliResult, exit: number, line: RegExp): void {
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(ONE_LINE);
  expect(result.stderr).toMatch(line);
  expect(result.code).toBe(exit);
}

describe('errors that say the fix', () => {
  it('DQA_KINE_NOT_FOUND says to use --storage-only, which reports storage with no upgrade verdict', async () => {
    const [plain, storage] = await Promise.all([
      runCli([noKine.dataPath]),
      runCli([noKine.dataPath, '--storage-only']),
    ]);
    expectError(
      plain,
      65,
      /^dqlite-analyze: DQA_KINE_NOT_FOUND: .+; use --storage-only to see its storage\n$/,
    );
    expect(storage.code).toBe(0);
    expect(storage.stdout).toMatch(/^STORAGE ONLY — /);
    expect(storage.stdout.replace(/\s+/g, ' ')).toContain(
      'there is no cluster to upgrade and no upgrade verdict',
    );
    expect(storage.stdout).not.toMatch(/\bREADY\b|UPGRADE PLAN/);
  });

  it("EACCES: dqlite's files are root's, mode 0600: run with sudo", async () => {
    const dir = join(scratch, 'root-only');
    await mkdir(dir, { mode: 0o700 });
    const names = await readdir(SAMPLE);
    const SAMPLE_SNAPSHOT = names.find((f) => /^snapshot-\d+-\d+-\d+$/.test(f))!;
    for (const name of names) {
      await copyFile(join(SAMPLE, name), join(dir, name));
      await chmod(join(dir, name), 0o600);
    }
    // As root, run the binary as nobody (setpriv, util-linux); as anyone else the files are not theirs.
    const asUser =
      process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
    if (asUser.length === 0) await chmod(dir, 0o000);
    const [directory, file] = await Promise.all([
      run([...asUser, process.execPath, BIN, dir]),
      run([...asUser, process.execPath, BIN, join(dir, SAMPLE_SNAPSHOT)]),
    ]);
    await chmod(dir, 0o700);
    for (const result of [directory, file]) {
      expectError(
        result,
        66,
        /^dqlite-analyze: DQA_INPUT_UNREADABLE: .+ \(EACCES\); dqlite's files are root's, mode 0600: run with sudo\n$/,
      );
    }
  });

  it('DQA_DIR_NO_SNAPSHOT says what was expected and what was found', async () => {
    const segments = join(scratch, 'no-snapshot-yet');
    await mkdir(segments);
    await writeFile(join(segments, '0000000000000001-0000000000000512'), 'x');
    await writeFile(join(segments, 'cluster.yaml'), '- Address: 127.0.0.1:9000\n');
    const orphan = join(scratch, 'orphan-meta');
    await mkdir(orphan);
    await writeFile(join(orphan, 'snapshot-1-2048-123456.meta'), 'x');
    const [found, incomplete] = await Promise.all([runCli([segments]), runCli([orphan])]);
    expectError(
      found,
      65,
      /^dqlite-analyze: DQA_DIR_NO_SNAPSHOT: .+ holds no complete snapshot: expected a snapshot-TERM-INDEX-TS file with its snapshot-TERM-INDEX-TS\.meta beside it; found 2 entries, none a snapshot \(0000000000000001-0000000000000512, cluster\.yaml\); wait for the node to write one/,
    );
    expectError(
      incomplete,
      65,
      /found only incomplete ones: snapshot-1-2048-123456\.meta \(meta-without-data\); wait/,
    );
  });

  it('--keep-copies DIR creates DIR; one it cannot create is DQA_OUTPUT_FAILED, exit 73', async () => {
    const kept = join(scratch, 'kept', 'copies');
    const made = await runCli([SAMPLE, '--keep-copies', kept, '-f', 'json']);
    expect([made.code, made.stderr]).toEqual([4, '']);
    expect((await stat(kept)).mode & 0o777).toBe(0o700);
    expect((await readdir(kept)).sort()).toEqual(['demo.db', 'k8s.db', 'pad.db']);
    const file = join(scratch, 'a-file');
    await writeFile(file, '');
    expectError(
      await runCli([SAMPLE, '--keep-copies', join(file, 'copies')]),
      73,
      /^dqlite-analyze: DQA_OUTPUT_FAILED: cannot create the kept copies dir .+ \(ENOTDIR\)\n$/,
    );
  });

  it('an -o that cannot be written is DQA_OUTPUT_FAILED, exit 73: before the analysis, and when the write fails', async () => {
    expectError(
      await runCli([SAMPLE, '-o', join(scratch, 'missing', 'report.txt')]),
      73,
      /^dqlite-analyze: DQA_OUTPUT_FAILED: cannot write the report to .+ is not a writable directory \(ENOENT\)\n$/,
    );
    // A directory that is writable on a filesystem too small for the report: the write itself fails.
    const tiny = join(scratch, 'tiny');
    await mkdir(tiny);
    const refused = mountTmpfs(tiny, 'size=8k');
    if (refused) {
      console.warn(`skipped the failed write of -o: no tmpfs here (${refused})`);
      return;
    }
    try {
      expectError(
        await runCli([SAMPLE, '-o', join(tiny, 'report.txt')]),
        73,
        /^dqlite-analyze: DQA_OUTPUT_FAILED: cannot write the report to .+report\.txt \(ENOSPC\)\n$/,
      );
    } finally {
      unmount(tiny);
    }
  });

  it('usage errors start with dqlite-analyze: like every other error, on one line, exit 2', async () => {
    const results = await Promise.all([
      runCli([SAMPLE, '--sumary']),
      runCli([SAMPLE, '--top', 'many']),
      runCli([SAMPLE, '--format', 'xml']),
      runCli(['compare', SAMPLE]),
    ]);
    for (const result of results)
      expectError(result, 2, /^dqlite-analyze: .+ \(run with --help for usage\)\n$/);
    expect(results[0]!.stderr).toBe(
      "dqlite-analyze: unknown option '--sumary' (Did you mean --summary?) (run with --help for usage)\n",
    );
    expect(results[3]!.stderr).toContain("missing required argument 'newer'");
  });
});

function run(argv: string[]): Promise<CliResult> {
  const { NO_COLOR: _n, FORCE_COLOR: _f, ...env } = process.env;
  return new Promise((resolve, reject) => {
    execFile(argv[0]!, argv.slice(1), { env }, (error, stdout, stderr) => {
      const code = error ? (error as { code?: unknown }).code : 0;
      if (typeof code !== 'number') reject(error);
      else resolve({ code, stdout, stderr });
    });
  });
}

describe('a reader that goes away', () => {
  // `dqlite-analyze --help | head -2` and `dqlite-analyze <snapshot> | head`: an EPIPE on stdout.
  const piped = (args: string, reader = 'head -c 40') =>
    new Promise<{ code: number | null; stderr: string; head: string }>((resolve, reject) => {
      // pipefail: the shell's status is the CLI's, not head's.
      execFile(
        'bash',
        [
          '-o',
          'pipefail',
          '-c',
          `"${process.execPath}" "${BIN}" ${args} 2>"$ERR" | ${reader}; s=\${PIPESTATUS[0]}; echo; exit $s`,
        ],
        { env: { ...process.env, ERR: join(scratch, 'pipe-stderr') } },
        async (error, stdout) => {
          const { readFile } = await import('node:fs/promises');
          const stderr = await readFile(join(scratch, 'pipe-stderr'), 'utf8').catch(reject);
          resolve({
            code: error ? ((error as { code?: number }).code ?? null) : 0,
            stderr: stderr ?? '',
            head: stdout,
          });
        },
      );
    });

  it('--help into head: its first bytes, exit 0, no stack trace', async () => {
    const result = await piped('--help');
    expect(result.head).toMatch(/^Usage: dqlite-analyze /);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('a report into a reader that has gone: the verdict’s exit code (4), no stack trace, no copy left', async () => {
    const temp = await mkdtemp(join(scratch, 'pipe-temp-'));
    // `true` reads nothing and is gone long before the report is written: the first write fails.
    const result = await piped(`"${SAMPLE}" --temp-dir "${temp}" --quiet`, 'true');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(4);
    expect(await readdir(temp)).toEqual([]);
  });
});
