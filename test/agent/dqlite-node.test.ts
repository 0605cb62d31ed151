// The agent against a live dqlite node (Debian go-dqlite's dqlite-demo) while a kine workload runs:
// the snapshot metrics must be those of the files the node wrote, the storage and kine figures those
// the sqlite3 CLI reads from the same snapshot, and SIGTERM must end it cleanly.

import { readdirSync } from 'node:fs';
import { appendFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type DqliteNode,
  type SnapshotFiles,
  startDqliteNode,
  stopAllNodes,
} from '@dqlite-analyzer/test-support/dqlite-node';
import { extractWithCli, sqlite } from '@dqlite-analyzer/test-support/independent';
import { KineHistory, kineSchema, kineValue } from '@dqlite-analyzer/test-support/kine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Scrape } from '../../packages/agent/test/helpers.js';
import { type AgentProcess, analysisOf, startAgentProcess } from './agent-process.js';

const LEASE = '/registry/leases/kube-system/kube-controller-manager';

let node: DqliteNode;
let agent: AgentProcess;
let scratch: string;
let logFile: string;
const history = new KineHistory();

async function metrics(): Promise<Scrape> {
  const response = await agent.get('/metrics');
  expect(response.status).toBe(200);
  return new Scrape(response.text);
}

/** Poll /metrics until `check` passes (bounded). */
async function until(check: (m: Scrape) => boolean, what: string, ms = 60_000): Promise<Scrape> {
  const deadline = Date.now() + ms;
  for (;;) {
    const scrape = await metrics();
    if (check(scrape)) return scrape;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}:\n${scrape.text.slice(0, 3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'dqa-agent-e2e-'));
  node = await startDqliteNode();
  history.bulkCreate('/registry/pods/default/web-', 40, kineValue.k8s(600), { chunk: 40 });
  history.create(LEASE, kineValue.k8s(300));
  await node.exec('k8s', [...kineSchema('v1'), ...history.takeStatements()]);
  logFile = join(scratch, 'kubelite.log');
  await writeFile(logFile, '');
  agent = await startAgentProcess(['--data-dir', node.dataDir, '--log-file', logFile], {
    DQLITE_AGENT_TEMP_DIR: scratch,
    DQLITE_AGENT_LOG_LEVEL: 'info',
  });
}, 120_000);

afterAll(async () => {
  await agent?.stop();
  await stopAllNodes();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('dqlite-agent on a live dqlite node', () => {
  let first: SnapshotFiles;

  it('is ready with no snapshot yet, and reports the node from info.yaml', async () => {
    expect((await agent.get('/readyz')).status).toBe(200);
    const info = await readFile(join(node.dataDir, 'info.yaml'), 'utf8');
    const id = /ID: (\d+)/.exec(info)![1]!;
    const scrape = await until((m) => m.value('dqlite_agent_info', { node_id: id }) === 1, 'node info');
    expect(scrape.value('dqlite_agent_info', { node_id: id, address: node.address, role: 'voter' })).toBe(1);
    expect(scrape.value('dqlite_snapshot_index')).toBeUndefined();
  });

  it('reports the snapshot the node writes while a kine workload runs', async () => {
    // Lease renewals: each one a kine row and a Raft entry, the incident's write pattern.
    history.bulkUpdate(LEASE, 600, kineValue.k8s(300), { chunk: 50 });
    await node.exec('k8s', history.takeStatements());
    first = await node.padUntilSnapshot({ timeoutMs: 60_000 });
    const written = await stat(first.dataPath); // birth = tmp file created, ctime = renamed
    const copy = await node.copySnapshot(first, scratch);
    const scrape = await until((m) => m.value('dqlite_snapshot_index') === first.index, 'the first snapshot');
    expect(scrape.value('dqlite_snapshot_term')).toBe(first.term);
    expect(scrape.value('dqlite_snapshot_size_bytes')).toBe((await stat(copy.dataPath)).size);
    // Written while watched: its write time is measured.
    expect(scrape.histogram('dqlite_snapshot_write_duration_seconds')).toBe(1);
    // Kernel file times tick with the coarse clock (a few ms): a small snapshot can take "0 s".
    expect(scrape.value('dqlite_snapshot_last_write_duration_seconds')).toBeGreaterThanOrEqual(0);

    const analysis = await analysisOf(agent, first.name, 60_000);
    const extraction = await extractWithCli(copy.dataPath);
    try {
      const k8s = extraction.databases.find((d) => d.name === 'k8s')!;
      const [row] = await sqlite<{ rows: number; maxId: number; pageCount: number; pageSize: number }>(
        k8s.mainPath,
        'SELECT (SELECT count(*) FROM kine) AS rows, (SELECT max(id) FROM kine) AS maxId, ' +
          '(SELECT page_count FROM pragma_page_count) AS pageCount, (SELECT page_size FROM pragma_page_size) AS pageSize',
      );
      expect(row!.rows).toBe(history.figures().rows);
      const after = await until((m) => m.value('dqlite_kine_rows') === row!.rows, 'kine rows on /metrics');
      expect(after.value('dqlite_kine_current_revision')).toBe(row!.maxId);
      expect(after.value('dqlite_db_size_bytes', { database: 'k8s' })).toBe(row!.pageCount * row!.pageSize);
      expect(after.value('dqlite_snapshot_uncompressed_size_bytes')).toBe(
        (await stat(extraction.payloadPath)).size,
      );
      expect(analysis.kine?.liveKeys).toBe(history.figures().liveKeys);
    } finally {
      await extraction.cleanup();
    }

    // A lock error logged while the node wrote that snapshot: its window names the snapshot.
    const during = new Date((written.birthtimeMs + written.ctimeMs) / 2).toISOString();
    await appendFile(
      logFile,
      `${during} E kubelite: rpc error: code = Unknown desc = update transaction failed for key ${LEASE}: exec (try: 500): database is locked\n`,
    );
    const windowed = await until(
      (m) => m.value('dqlite_lock_windows_total', { source: 'logs' }) === 1,
      'the lock window to close',
    );
    expect(windowed.value('dqlite_lock_windows_during_snapshot_total', { source: 'logs' })).toBe(1);
    expect(
      windowed.value('dqlite_lock_errors_total', { source: 'logs', database: 'k8s', prefix: 'leases' }),
    ).toBe(1);
    const { windows } = JSON.parse((await agent.get('/api/v1/windows')).text);
    expect(windows[0]).toMatchObject({
      source: 'logs',
      count: 1,
      maxTries: 500,
      snapshot: first.name,
      keys: [LEASE],
    });
  });

  it('follows the next snapshot: entries and interval since the first, Raft log from file names', async () => {
    history.bulkUpdate(LEASE, 300, kineValue.k8s(300), { chunk: 50 });
    await node.exec('k8s', history.takeStatements());
    const second = await node.padUntilSnapshot({ afterIndex: first.index, timeoutMs: 60_000 });
    const scrape = await until(
      (m) => (m.value('dqlite_snapshot_index') ?? 0) >= second.index,
      'the second snapshot',
    );
    const newest = (await node.snapshots()).at(-1)!;
    expect(scrape.value('dqlite_snapshot_index')).toBe(newest.index);
    const snapshots = await node.snapshots();
    const previous = snapshots.at(-2)!;
    expect(scrape.value('dqlite_snapshot_entries')).toBe(newest.index - previous.index);
    expect(scrape.value('dqlite_snapshot_interval_seconds')).toBeCloseTo(
      (newest.timestamp - previous.timestamp) / 1000,
      6,
    );
    expect(scrape.value('dqlite_snapshots_total')).toBeGreaterThanOrEqual(2);

    // The Raft log, read independently from the names in the directory: the agent's listing (every
    // pollInterval) must come to agree with it while the node is idle.
    const closedNames = () =>
      readdirSync(node.dataDir)
        .map((name) => /^\d{16}-(\d{16})$/.exec(name)?.[1])
        .filter((last): last is string => last !== undefined)
        .map(Number);
    const raft = await until((m) => {
      const closed = closedNames();
      const newestClosed = closed.length > 0 ? Math.max(...closed) : undefined;
      return (
        m.value('dqlite_raft_segments', { state: 'closed' }) === closed.length &&
        m.value('dqlite_raft_last_closed_index') === newestClosed
      );
    }, 'the Raft log listing to match the directory');
    expect(closedNames().length).toBeGreaterThan(0);
    expect(raft.value('dqlite_raft_snapshot_files')).toBeGreaterThanOrEqual(1);
    expect(raft.value('dqlite_filesystem_free_bytes')).toBeGreaterThan(0);
  });

  it('ends on SIGTERM with exit code 0 and leaves no private copy behind', async () => {
    expect(await agent.stop()).toBe(0);
    expect(agent.output()).toContain('shutting down');
    expect((await readdir(scratch)).filter((name) => name.startsWith('dqlite-agent-'))).toEqual([]);
  });
});
