// The built CLI, run as a user would, on corpus cases derived from a snapshot a real dqlite node
// writes for this test (test/corpus/source.ts): a damaged input gives one stderr line
// `dqlite-analyze: DQA_…: …`, the exit code docs/errors.md gives for that code, no stack trace and
// no report; a partial analysis says so; hostile database names and Secret values never reach the
// report raw. Also, as user `nobody`, real permission errors (tests otherwise run as root).
import { spawn } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopAllNodes } from '@dqlite-analyzer/test-support/dqlite-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CaseInput,
  CORPUS,
  type CorpusCase,
  type CorpusContext,
  corpusContext,
  generateCorpus,
  MANY_DATABASES,
} from '../corpus/generate.js';
import { makeSourceSnapshot, SECRET_MARKER, SECRET_MARKER_BASE64 } from '../corpus/source.js';

const CLI = new URL('../../packages/cli/dist/main.js', import.meta.url).pathname;
const ERRORS_DOC = new URL('../../docs/errors.md', import.meta.url);
const NOBODY = 65534;

/** Cases the CLI is run on: each kind of outcome, and the errors of each exit code. */
const PICKED = [
  'path-missing',
  'path-empty-file',
  'path-fifo',
  'dir-meta-not-a-file',
  'meta-crc',
  'lz4-truncated-end',
  'lz4-content-checksum',
  'payload-size-huge',
  'payload-name-in-error',
  'sqlite-corrupt-table-page',
  'wal-torn-last-frame',
  'sqlite-bad-freelist',
  'payload-names-hostile',
  'sqlite-plain-file-wal-directory',
  'payload-many-databases',
  'sqlite-kine-view-endless',
];

let scratch: string;
let temp: string;
let context: CorpusContext;
let inputs: Map<string, CaseInput[]>;
let exitCodes: Map<string, number>;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'dqa-cli-corpus-'));
  temp = join(scratch, 'temp');
  await mkdir(temp);
  const source = await makeSourceSnapshot(scratch);
  await stopAllNodes();
  context = await corpusContext(source, join(scratch, 'work'));
  inputs = await generateCorpus(
    context,
    join(scratch, 'corpus'),
    CORPUS.filter((item) => PICKED.includes(item.id)),
  );
  exitCodes = documentedExitCodes(await readFile(ERRORS_DOC, 'utf8'));
});

afterAll(async () => {
  await stopAllNodes();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** Code → exit code, from the table in docs/errors.md. */
function documentedExitCodes(doc: string): Map<string, number> {
  const codes = new Map<string, number>();
  for (const match of doc.matchAll(/^\| `(DQA_[A-Z0-9_]+)` \|.*\| (\d+) \|$/gm))
    codes.set(match[1]!, Number(match[2]));
  return codes;
}

interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

function cli(
  args: string[],
  options: { uid?: number; gid?: number; openFiles?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const { openFiles, ...ids } = options;
    // `ulimit -n` in a shell that then becomes the CLI: the limit a user's shell would set.
    const [program, argv] =
      openFiles === undefined
        ? [process.execPath, [CLI, ...args]]
        : ['/bin/sh', ['-c', `ulimit -n ${openFiles} && exec "$0" "$@"`, process.execPath, CLI, ...args]];
    const child = spawn(program, argv, { ...ids, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** The error contract: one line, the code, the documented exit code, no stack, no report. */
function expectErrorLine(result: CliResult, code: string, where: string): void {
  expect.soft(result.stderr, where).toMatch(new RegExp(`^dqlite-analyze: ${code}: [^\\n]+\\n$`));
  expect.soft(result.stderr, `${where}: stack trace`).not.toMatch(/^\s+at /m);
  expect.soft(hasEscOrBel(result.stderr), `${where}: terminal escapes on stderr`).toBe(false);
  expect.soft(result.status, `${where}: exit code`).toBe(exitCodes.get(code));
  expect.soft(result.stdout, `${where}: stdout`).toBe('');
}

const hasEscOrBel = (text: string) => ['\u001b', '\u0007', '\u009b'].some((c) => text.includes(c));

function picked(id: string): CorpusCase {
  return CORPUS.find((item) => item.id === id)!;
}

describe('the CLI on corpus cases', () => {
  it('docs/errors.md gives an exit code for every code', () => {
    expect(exitCodes.size).toBeGreaterThan(20);
  });

  for (const id of PICKED.filter((id) => 'error' in picked(id).expect)) {
    const item = picked(id);
    const test = item.knownIssue ? (item.knownIssue.hangs ? it.skip : it.fails) : it;
    test(`${id}: one stderr line with the code, the documented exit code`, async () => {
      const expect_ = item.expect as { error: string; orError?: string[] };
      for (const input of inputs.get(id)!.slice(0, 3)) {
        const result = await cli([input.path, '--temp-dir', temp]);
        const code =
          /^dqlite-analyze: (DQA_[A-Z0-9_]+):/.exec(result.stderr)?.[1] ?? `none in ${result.stderr}`;
        expect.soft([expect_.error, ...(expect_.orError ?? [])], `${id} (${input.label})`).toContain(code);
        expectErrorLine(result, code, `${id} (${input.label})`);
        expect(await readdir(temp)).toEqual([]);
      }
    });
  }

  it('a torn WAL: the report says partial (text and JSON) and the run still succeeds', async () => {
    const [input] = inputs.get('wal-torn-last-frame')!;
    const json = await cli([input!.path, '--temp-dir', temp, '--format', 'json', '--fail-on', 'none']);
    expect(json.status).toBe(0);
    const analysis = JSON.parse(json.stdout) as { partial: boolean; warnings: string[] };
    expect(analysis.partial).toBe(true);
    expect(analysis.warnings.join('\n')).toMatch(/WAL frames were not replayed \(\d+ torn/);
    const text = await cli([input!.path, '--temp-dir', temp, '--fail-on', 'none']);
    expect(text.status).toBe(0);
    // The text report wraps lines: match the words, not the spaces between them.
    expect(text.stdout).toMatch(/part\s+of\s+the\s+input\s+could\s+not\s+be\s+read/);
    expect(text.stdout).toMatch(/WAL\s+frames\s+were\s+not\s+replayed/);
  });

  it(`${MANY_DATABASES} databases in one payload under ulimit -n 256: one at a time, all analysed`, async () => {
    const [input] = inputs.get('payload-many-databases')!;
    const result = await cli([input!.path, '--temp-dir', temp, '--format', 'json', '--fail-on', 'none'], {
      openFiles: 256,
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const analysis = JSON.parse(result.stdout) as {
      databases: unknown[];
      truncatedLists: Record<string, number>;
    };
    // Every one analysed; the list bounded (README, "The JSON form").
    expect(analysis.truncatedLists).toEqual({ databases: context.databases.length + MANY_DATABASES });
    expect(analysis.databases.length).toBe(1000);
    expect(await readdir(temp)).toEqual([]);
  });

  // Where the descriptors run out depends on the limit: starting the analysis child, loading a
  // module on first use, or opening a database's files (the case above). Below the limit at which
  // the program starts at all (`--version`: Node, then every module the CLI loads up front) Node
  // fails or aborts before any of our code runs: not ours to report. Each limit from there on
  // must give a full analysis or the one typed line, never an internal error or a stack trace.
  it('out of file descriptors at each step after start-up: DQA_OPEN_FILE_LIMIT, exit 73, or a full analysis', async () => {
    const [input] = inputs.get('payload-many-databases')!;
    let starts = 8;
    while ((await cli(['--version'], { openFiles: starts })).status !== 0) {
      starts++;
      if (starts > 64) throw new Error('dqlite-analyze --version does not run under ulimit -n 64');
    }
    const outcomes: string[] = [];
    for (let limit = starts; limit < starts + 10; limit++) {
      const result = await cli([input!.path, '--temp-dir', temp, '--format', 'json', '--fail-on', 'none'], {
        openFiles: limit,
      });
      if (result.status === 0) {
        expect(result.stderr, `ulimit -n ${limit}`).toBe('');
        expect((JSON.parse(result.stdout) as { truncatedLists: object }).truncatedLists).toEqual({
          databases: context.databases.length + MANY_DATABASES,
        });
        outcomes.push('analysed');
      } else {
        expectErrorLine(result, 'DQA_OPEN_FILE_LIMIT', `ulimit -n ${limit}`);
        expect(result.stderr).toMatch(
          /EMFILE.*; raise the limit of open files \(ulimit -n\) and run again\n$/,
        );
        outcomes.push('DQA_OPEN_FILE_LIMIT');
      }
      expect(await readdir(temp)).toEqual([]);
    }
    // Both ways out are in the range: it fails just above start-up, and analyses with a few more.
    expect(outcomes[0]).toBe('DQA_OPEN_FILE_LIMIT');
    expect(outcomes.at(-1)).toBe('analysed');
  });

  it('a database failing quick_check: the report says partial and names the check', async () => {
    const [input] = inputs.get('sqlite-bad-freelist')!;
    const text = await cli([input!.path, '--temp-dir', temp, '--fail-on', 'none']);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/quick_check/);
  });

  async function reportsOfHostileNames(formats: string[]): Promise<void> {
    const [input] = inputs.get('payload-names-hostile')!;
    for (const format of formats) {
      const result = await cli([input!.path, '--temp-dir', temp, '--format', format, '--fail-on', 'none']);
      expect(result.status, format).toBe(0);
      // No colour off a terminal, so an ESC or BEL can only have come from a name.
      expect.soft(hasEscOrBel(result.stdout), `${format}: raw ESC/BEL in the report`).toBe(false);
      expect.soft(hasEscOrBel(result.stderr), `${format}: raw ESC/BEL on stderr`).toBe(false);
    }
    expect(await readdir(temp)).toEqual([]);
  }

  it('hostile database names: JSON escapes their control characters', async () => {
    await reportsOfHostileNames(['json']);
    // Escaped, not dropped: the names come back verbatim from the JSON, C0 and C1 controls alike.
    const [input] = inputs.get('payload-names-hostile')!;
    const result = await cli([input!.path, '--temp-dir', temp, '--format', 'json', '--fail-on', 'none']);
    const names = (JSON.parse(result.stdout) as { databases: { name: string }[] }).databases.map(
      (d) => d.name,
    );
    expect(names).toEqual(expect.arrayContaining(['\u001b[31mred\u001b[0m\u0007', '\u009b31mc1\u009b0m']));
    expect(result.stdout).toContain('\\u009b31mc1\\u009b0m');
  });

  // A database name from the snapshot could send terminal escape sequences to the operator's
  // terminal; the CLI escapes control characters before any human-readable renderer.
  it('hostile database names: text, markdown and HTML print no raw control characters', () =>
    reportsOfHostileNames(['text', 'markdown', 'html']));

  it("no Secret's value reaches any report format", async () => {
    expect(context.source.payload.includes(SECRET_MARKER)).toBe(true);
    for (const format of ['text', 'markdown', 'html', 'json']) {
      const result = await cli([
        context.source.dataPath,
        '--temp-dir',
        temp,
        '--format',
        format,
        '--fail-on',
        'none',
      ]);
      expect(result.status, `${format}: ${result.stderr}`).toBe(0);
      const all = result.stdout + result.stderr;
      expect(all.includes(SECRET_MARKER), format).toBe(false);
      expect(all.includes(SECRET_MARKER_BASE64), format).toBe(false);
    }
  });
});

describe.runIf(process.getuid?.() === 0)('the CLI as user nobody (real permission errors)', () => {
  let dir: string;
  beforeAll(async () => {
    // nobody must reach the CLI and the scratch dir, but not what each case locks.
    dir = join(scratch, 'nobody');
    await mkdir(dir);
    await chmod(scratch, 0o755);
    await chmod(dir, 0o755);
  });

  async function sampleDir(name: string): Promise<string> {
    const path = join(dir, name);
    await mkdir(path);
    await copyFile(context.source.dataPath, join(path, context.source.name));
    await copyFile(context.source.metaPath, join(path, `${context.source.name}.meta`));
    await chmod(join(path, context.source.name), 0o644);
    await chmod(join(path, `${context.source.name}.meta`), 0o644);
    return path;
  }

  it('a data directory it may not list: DQA_INPUT_UNREADABLE, exit 66', async () => {
    const path = await sampleDir('locked-dir');
    await chmod(path, 0o700);
    expectErrorLine(
      await cli([path, '-q'], { uid: NOBODY, gid: NOBODY }),
      'DQA_INPUT_UNREADABLE',
      'locked dir',
    );
  });

  it('a snapshot file it may not read, or its .meta: DQA_INPUT_UNREADABLE, exit 66', async () => {
    const path = await sampleDir('locked-files');
    await chmod(path, 0o755);
    await chmod(join(path, `${context.source.name}.meta`), 0o600);
    const tempDir = join(dir, 'temp-ok');
    await mkdir(tempDir, { mode: 0o777 });
    await chmod(tempDir, 0o777);
    const asNobody = { uid: NOBODY, gid: NOBODY };
    expectErrorLine(
      await cli([path, '-q', '--temp-dir', tempDir], asNobody),
      'DQA_INPUT_UNREADABLE',
      'locked .meta',
    );
    await chmod(join(path, context.source.name), 0o600);
    expectErrorLine(
      await cli([join(path, context.source.name), '-q', '--temp-dir', tempDir], asNobody),
      'DQA_INPUT_UNREADABLE',
      'locked data file',
    );
    expect(await readdir(tempDir)).toEqual([]);
  });

  it('a temp dir it may not write: DQA_TEMP_FAILED, exit 73', async () => {
    const path = await sampleDir('readable');
    const readOnlyTemp = join(dir, 'temp-ro');
    await mkdir(readOnlyTemp);
    await chmod(readOnlyTemp, 0o755);
    expectErrorLine(
      await cli([path, '-q', '--temp-dir', readOnlyTemp], { uid: NOBODY, gid: NOBODY }),
      'DQA_TEMP_FAILED',
      'read-only temp dir',
    );
  });
});
