// Nothing is written where the input is (issue #12 §4): the built CLI, on a snapshot a real dqlite
// node wrote, refuses a report over the input or into its data directory, a --temp-dir or
// --keep-copies inside it (the core checks those, so the agent is covered too), and a report to a
// FIFO or a device — with one stderr line and exit 2 (or 73), before any analysis, leaving the data
// directory exactly as it was.
import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stopAllNodes } from '@dqlite-analyzer/test-support/dqlite-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fingerprint, fingerprint } from '../corpus/fingerprint.js';
import { makeSourceSnapshot, type SourceSnapshot } from '../corpus/source.js';

const CLI = new URL('../../packages/cli/dist/main.js', import.meta.url).pathname;

let scratch: string;
let temp: string;
let source: SourceSnapshot;
let before: Fingerprint;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'dqa-output-paths-'));
  temp = join(scratch, 'temp');
  await mkdir(temp);
  source = await makeSourceSnapshot(scratch);
  await stopAllNodes();
  before = await fingerprint(source.dataDir);
}, 120_000);

afterAll(async () => {
  await stopAllNodes();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += c;
    });
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    // A write blocked on a FIFO would hang here: the test fails instead.
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

function expectRefused(result: CliResult, code: string, exit: number, where: string): void {
  expect(result.stderr, where).toMatch(new RegExp(`^dqlite-analyze: ${code}[^\\n]*\\n$`));
  expect(result.status, where).toBe(exit);
  expect(result.stdout, where).toBe('');
}

describe('the CLI never writes where the input is', () => {
  it('-o naming the snapshot file, its .meta, or a file in its data directory: DQA_OUTPUT_INSIDE_INPUT, exit 2', async () => {
    for (const [input, output] of [
      [source.dataPath, source.dataPath],
      [source.dataPath, source.metaPath],
      [source.dataDir, source.dataPath],
      [source.dataDir, join(source.dataDir, 'report.json')],
      [source.dataDir, join(source.dataDir, 'new-dir', 'report.html')],
    ] as const) {
      const result = await cli([input, '-o', output, '--temp-dir', temp]);
      expectRefused(result, 'DQA_OUTPUT_INSIDE_INPUT', 2, `${input} -o ${output}`);
    }
    expect(await fingerprint(source.dataDir)).toEqual(before);
  });

  it('through a symlink to the data directory, too', async () => {
    const link = join(scratch, 'backend-link');
    await symlink(source.dataDir, link);
    const result = await cli([source.dataDir, '-o', join(link, 'report.txt'), '--temp-dir', temp]);
    expectRefused(result, 'DQA_OUTPUT_INSIDE_INPUT', 2, 'symlinked -o');
    expect(await fingerprint(source.dataDir)).toEqual(before);
  });

  it('--temp-dir or --keep-copies inside the data directory: refused, nothing written into it', async () => {
    for (const option of ['--temp-dir', '--keep-copies']) {
      for (const input of [source.dataDir, source.dataPath]) {
        const args = [input, option, source.dataDir];
        if (option === '--keep-copies') args.push('--temp-dir', temp);
        const result = await cli(args);
        expectRefused(result, 'DQA_OUTPUT_INSIDE_INPUT', 2, `${input} ${option}`);
      }
    }
    // A --keep-copies that does not exist yet is refused before it is made.
    const missing = join(source.dataDir, 'copies');
    const result = await cli([source.dataDir, '--keep-copies', missing, '--temp-dir', temp]);
    expectRefused(result, 'DQA_OUTPUT_INSIDE_INPUT', 2, `--keep-copies ${missing}`);
    expect(await fingerprint(source.dataDir)).toEqual(before);
    expect(await readdir(temp)).toEqual([]);
  });

  it('a plain SQLite file: -o over it or its -wal is refused; a report beside it is fine', async () => {
    const dir = join(scratch, 'plain');
    await mkdir(dir);
    const db = join(dir, 'state.db');
    await promisify(execFile)('sqlite3', [db, 'CREATE TABLE t(x); INSERT INTO t VALUES (1);']);
    for (const output of [db, `${db}-wal`]) {
      const result = await cli([db, '--storage-only', '-o', output, '--temp-dir', temp]);
      expectRefused(result, 'DQA_OUTPUT_INSIDE_INPUT', 2, `-o ${output}`);
    }
    const ok = await cli([db, '--storage-only', '-o', join(dir, 'report.json'), '--temp-dir', temp]);
    expect(ok.status, ok.stderr).toBe(0);
  });

  it('-o to a FIFO or a device: refused at once (exit 73), never blocked on', async () => {
    const fifo = join(scratch, 'report.fifo');
    await promisify(execFile)('mkfifo', [fifo]);
    for (const output of [fifo, '/dev/null', '/dev/zero']) {
      const started = Date.now();
      const result = await cli([source.dataDir, '-o', output, '--temp-dir', temp]);
      expect(result.stderr, output).toMatch(
        /^dqlite-analyze: DQA_OUTPUT_FAILED: cannot write the report to .*not a regular file\n$/,
      );
      expect(result.status, output).toBe(73);
      expect(Date.now() - started, output).toBeLessThan(10_000);
    }
  });

  it('a report elsewhere still works, and the copy outside the data directory is kept', async () => {
    const keep = join(scratch, 'keep');
    await mkdir(keep);
    const out = join(scratch, 'report.json');
    await writeFile(out, 'old report');
    const result = await cli([source.dataDir, '-o', out, '--keep-copies', keep, '--temp-dir', temp]);
    expect(result.status, result.stderr).not.toBe(2);
    expect(result.status, result.stderr).not.toBe(73);
    expect((await readdir(keep)).sort()).toContain('k8s.db');
    expect(await fingerprint(source.dataDir)).toEqual(before);
  });
});
