// SIGINT, SIGTERM and SIGHUP end the built CLI and the built agent within a second in every state
// (idle, extracting, inside a long SQLite query on the main thread or on the side thread), with the exit code their docs give, their
// analysis child gone and nothing left in the temp dir; a SIGKILLed CLI's child removes the copy
// itself. The inputs are written by the sqlite3 and lz4 CLIs: a 120 MB kine database (a plain file
// for the CLI, a snapshot for the agent) and a small one whose expression index costs ~0.5 s a row
// under --integrity full (a query no schema check refuses, as long as 2,000 rows make it).
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { kineSchema } from '@dqlite-analyzer/test-support/kine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgentProcess } from '../agent/agent-process.js';
import { buildPayload } from '../corpus/formats.js';

const run = promisify(execFile);
const CLI = new URL('../../packages/cli/dist/main.js', import.meta.url).pathname;
const SAMPLE = new URL('../../examples/sample-snapshot/', import.meta.url).pathname;
const SAMPLE_NAME = 'snapshot-1-1024-7887316';
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/** The CLI's documented exit codes (cli/src/exit-codes.ts, README); the agent exits 0. */
const CLI_EXIT = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
const WITHIN_MS = 1000;
// ~200 bytes a row: ~140 MB to copy, and a kine scan of ~1 s on an idle 2-core VM. The scan's time
// goes with the rows (values are sized, never read): at 200,000 rows of 500-byte values it was over
// within the 300 ms the test lets the copy settle.
const ROWS = 600_000;

let scratch: string;
let bigDb: string;
let bigBytes: number;
let hostileDb: string;
let wideDb: string;
let bigSnapshotDir: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'dqa-signals-'));
  bigDb = join(scratch, 'big.db');
  await run('sqlite3', [
    bigDb,
    [
      ...kineSchema('v1'),
      `INSERT INTO kine (name, created, deleted, create_revision, prev_revision, lease, value, old_value)
       WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r LIMIT ${ROWS})
       SELECT '/registry/configmaps/signals/cm-' || printf('%08d', i), 1, 0, 0, 0, 0, randomblob(100), NULL FROM r`,
    ].join(';\n'),
  ]);
  bigBytes = (await stat(bigDb)).size;
  // 3,000 resources: a JSON report of ~1.2 MB (its prefix table lists each), more than a pipe holds.
  wideDb = join(scratch, 'wide.db');
  await run('sqlite3', [
    wideDb,
    [
      ...kineSchema('v1'),
      `INSERT INTO kine (name, created, deleted, create_revision, prev_revision, lease, value, old_value)
       WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r LIMIT 20000)
       SELECT '/registry/res' || (i % 3000) || '/signals/cm-' || i, 1, 0, 0, 0, 0, randomblob(50), NULL FROM r`,
    ].join(';\n'),
  ]);
  hostileDb = join(scratch, 'hostile.db');
  await run('sqlite3', [
    hostileDb,
    [
      ...kineSchema('v1'),
      'CREATE TABLE t (a INTEGER)',
      'INSERT INTO t WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r LIMIT 2000) SELECT i FROM r',
      'CREATE INDEX t_a ON t (abs(a))',
      'PRAGMA writable_schema = ON',
      "UPDATE sqlite_schema SET sql = replace(sql, 'abs(a)', 'length(printf(''%.*c'', 100000000, a))') WHERE name = 't_a'",
    ].join(';\n'),
  ]);
  // The big database as a snapshot the agent finds.
  bigSnapshotDir = join(scratch, 'big-snapshot');
  await mkdir(bigSnapshotDir);
  await writeSnapshot(bigDb, join(bigSnapshotDir, 'snapshot-2-4096-9000000'));
}, 180_000);

/** `db` as the kine database of a snapshot at `path`: an LZ4 frame of a dqlite payload, the sample's .meta. */
async function writeSnapshot(db: string, path: string): Promise<void> {
  const payload = `${path}.payload`;
  await writeFile(payload, buildPayload([{ name: 'k8s', main: await readFile(db), wal: Buffer.alloc(0) }]));
  await run('lz4', ['-q', '-f', '-B4', '-BD', '--content-size', payload, path]);
  await rm(payload);
  await copyFile(join(SAMPLE, `${SAMPLE_NAME}.meta`), `${path}.meta`);
}

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** Every file under `dir`, with its size. */
async function filesUnder(dir: string): Promise<Array<{ path: string; size: number }>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  const files = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const size = await stat(path)
      .then((s) => s.size)
      .catch(() => -1);
    files.push({ path, size });
  }
  return files;
}

/** Poll `check` every `everyMs` (5 ms: the states last a few hundred ms) until it gives a value. */
async function waitFor<T>(
  check: () => Promise<T | undefined>,
  what: string,
  ms = 60_000,
  everyMs = 5,
): Promise<T> {
  for (const deadline = Date.now() + ms; ; ) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Pids of the processes whose parent is `pid` (from /proc/PID/stat). */
async function childrenOf(pid: number): Promise<number[]> {
  const out: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const text = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
    // comm may hold spaces and parentheses: the fields after the last ')' are fixed.
    const ppid = Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === pid) out.push(Number(name));
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The analysis child of `parent` (started with the hidden subcommand). */
async function analysisChild(parent: number): Promise<number> {
  return waitFor(async () => {
    for (const pid of await childrenOf(parent)) {
      const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
      if (cmdline.split('\0').includes('__analysis-child')) return pid;
    }
    return undefined;
  }, 'the analysis child');
}

type State = (temp: string) => Promise<void>;

/** The child has started: its private directory exists. */
const starting: State = (temp) =>
  waitFor(async () => ((await readdir(temp)).length > 0 ? true : undefined), 'the private directory').then(
    () => {},
  );
/** The copy of the big database is being written. */
const extracting: State = (temp) =>
  waitFor(async () => {
    const db = (await filesUnder(temp)).find((f) => f.path.endsWith('/db0'));
    return db && db.size > 0 && db.size < bigBytes ? true : undefined;
  }, 'the copy in progress').then(() => {});
/** The copy is whole: the child is opening it, checking it or scanning kine. */
const copied =
  (bytes: () => number, settleMs: number): State =>
  async (temp) => {
    await waitFor(async () => {
      const db = (await filesUnder(temp)).find((f) => f.path.endsWith('/db0'));
      return db && db.size >= bytes() ? true : undefined;
    }, 'the whole copy');
    await new Promise((resolve) => setTimeout(resolve, settleMs));
  };

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  ms: number;
}

/** Send `signal` and measure how long the process takes to exit. */
function signalAndWait(child: ChildProcess, signal: NodeJS.Signals): Promise<Ended> {
  return new Promise((resolve) => {
    let sent = 0;
    const guard = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', (code, killedBy) => {
      clearTimeout(guard);
      resolve({ code, signal: killedBy, ms: performance.now() - sent });
    });
    sent = performance.now();
    child.kill(signal);
  });
}

function startCli(
  args: string[],
  stdout: 'ignore' | 'pipe' = 'ignore',
): { child: ChildProcess; stderr: () => string } {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', stdout, 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
  });
  return { child, stderr: () => stderr };
}

describe('the CLI stops on a signal', () => {
  const states: Array<[string, string[], State]> = [
    ['starting', ['big.db'], starting],
    ['extracting', ['big.db'], extracting],
    // The kine scan holds the child's main thread for seconds: no JS handler could run there.
    ['scanning 600,000 kine rows', ['big.db'], copied(() => bigBytes, 300)],
    [
      'inside a hostile query (--integrity full)',
      ['hostile.db', '--integrity', 'full'],
      copied(() => 1, 500),
    ],
  ];
  for (const [state, [input, ...options], reached] of states) {
    for (const signal of SIGNALS) {
      it(`${signal} while ${state}: exit ${CLI_EXIT[signal]} within ${WITHIN_MS} ms, nothing left`, async () => {
        const temp = await mkdtemp(join(scratch, 'temp-'));
        const cli = startCli([join(scratch, input!), ...options, '--temp-dir', temp]);
        await reached(temp);
        const child = await analysisChild(cli.child.pid!);
        const ended = await signalAndWait(cli.child, signal);
        expect(ended.code, cli.stderr()).toBe(CLI_EXIT[signal]);
        expect(ended.ms).toBeLessThan(WITHIN_MS);
        expect(cli.stderr()).toContain(`stopped by ${signal}`);
        expect(alive(child)).toBe(false);
        expect(await readdir(temp)).toEqual([]);
      });
    }
  }

  // The report goes to a pipe no one reads (a pager that stopped reading): the analysis is done,
  // its child gone, and the CLI waits to write the rest of 1.2 MB.
  for (const signal of SIGNALS) {
    it(`${signal} while writing the report to a stalled pipe: exit ${CLI_EXIT[signal]} within ${WITHIN_MS} ms`, async () => {
      const temp = await mkdtemp(join(scratch, 'temp-'));
      const cli = startCli([wideDb, '--format', 'json', '--temp-dir', temp], 'pipe');
      cli.child.stdout!.pause();
      const child = await analysisChild(cli.child.pid!);
      await waitFor(async () => (alive(child) ? undefined : true), 'the analysis to end');
      await waitFor(async () => ((await readdir(temp)).length === 0 ? true : undefined), 'the copy removed');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(alive(cli.child.pid!), cli.stderr()).toBe(true);
      const ended = await signalAndWait(cli.child, signal);
      expect(ended.code, cli.stderr()).toBe(CLI_EXIT[signal]);
      expect(ended.ms).toBeLessThan(WITHIN_MS);
    });
  }

  // The child looks for its parent every 200 ms (core/src/child/orphan-watch.ts); 3 s of slack
  // for a loaded machine.
  it('SIGKILL: the orphaned child removes the copy and ends', async () => {
    const temp = await mkdtemp(join(scratch, 'temp-'));
    const cli = startCli([hostileDb, '--integrity', 'full', '--temp-dir', temp]);
    await copied(() => 1, 500)(temp);
    const child = await analysisChild(cli.child.pid!);
    await signalAndWait(cli.child, 'SIGKILL');
    const killed = performance.now();
    await waitFor(async () => (alive(child) ? undefined : true), 'the orphan to end', 10_000);
    expect(performance.now() - killed).toBeLessThan(3000);
    expect(await readdir(temp)).toEqual([]);
  });
});

describe('the agent stops on a signal', () => {
  const states: Array<[string, boolean, State]> = [
    ['idle', false, async () => {}],
    ['extracting', true, extracting],
    ['analysing', true, copied(() => bigBytes, 300)],
  ];
  for (const [state, withSnapshot, reached] of states) {
    for (const signal of SIGNALS) {
      it(`${signal} while ${state}: exit 0 within ${WITHIN_MS} ms, nothing left`, async () => {
        const temp = await mkdtemp(join(scratch, 'temp-'));
        const dataDir = await mkdtemp(join(scratch, 'data-'));
        const agent = await startAgentProcess(['--data-dir', dataDir], { DQLITE_AGENT_TEMP_DIR: temp });
        let child: number | undefined;
        if (withSnapshot) {
          // Raft's order: the data file, then its .meta.
          await copyFile(
            join(bigSnapshotDir, 'snapshot-2-4096-9000000'),
            join(dataDir, 'snapshot-2-4096-9000000'),
          );
          await copyFile(
            join(bigSnapshotDir, 'snapshot-2-4096-9000000.meta'),
            join(dataDir, 'snapshot-2-4096-9000000.meta'),
          );
          await reached(temp);
          child = await analysisChild(agent.child.pid!);
        }
        const ended = await signalAndWait(agent.child, signal);
        expect(ended.code, agent.output().slice(-2000)).toBe(0);
        expect(ended.ms).toBeLessThan(WITHIN_MS);
        if (child) expect(alive(child)).toBe(false);
        expect(await readdir(temp)).toEqual([]);
      });
    }
  }
});

// The agent analyses at nice 10: on a loaded machine the sample takes up to ~30 s (0.5 s when idle).
const PATIENCE_MS = 120_000;

describe('the agent after a hostile snapshot', () => {
  it('refuses a kine VIEW over an endless CTE at once, then analyses the next good snapshot', async () => {
    const temp = await mkdtemp(join(scratch, 'temp-'));
    const dataDir = await mkdtemp(join(scratch, 'data-'));
    const view = join(scratch, 'view.db');
    await run('sqlite3', [
      view,
      'CREATE VIEW kine (id, name, created, deleted, create_revision, prev_revision, lease, value, old_value) AS ' +
        "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT x, 'k', 0, 0, 0, 0, 0, '', '' FROM r",
    ]);
    await writeSnapshot(view, join(dataDir, 'snapshot-1-100-1000'));
    const agent = await startAgentProcess(['--data-dir', dataDir], { DQLITE_AGENT_TEMP_DIR: temp });
    try {
      const refused = 'dqlite_agent_analysis_errors_total{code="DQA_SQLITE_UNSAFE_SCHEMA"} 1';
      await waitFor(
        async () => ((await agent.get('/metrics')).text.includes(refused) ? true : undefined),
        refused,
        PATIENCE_MS,
        200,
      );
      await copyFile(join(SAMPLE, SAMPLE_NAME), join(dataDir, SAMPLE_NAME));
      await copyFile(join(SAMPLE, `${SAMPLE_NAME}.meta`), join(dataDir, `${SAMPLE_NAME}.meta`));
      const analysis = await waitFor(
        async () => {
          const response = await agent.get('/api/v1/analysis');
          const body =
            response.status === 200
              ? (JSON.parse(response.text) as { source: { dataFile: string } })
              : undefined;
          return body?.source.dataFile.endsWith(SAMPLE_NAME) ? body : undefined;
        },
        'the good snapshot analysed',
        PATIENCE_MS,
        200,
      );
      expect(analysis.source.dataFile).toBe(join(dataDir, SAMPLE_NAME));
    } finally {
      expect(await agent.stop()).toBe(0);
    }
    expect(await readdir(temp)).toEqual([]);
  });
});
