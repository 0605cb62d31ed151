import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Analysis, analyze, parseSnapshotName } from '@dqlite-analyzer/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copySample, type Scrape, scrape, startTestAgent, type TestAgent, waitFor } from './helpers.js';
import { metricCatalogue } from './metric-catalogue.js';

const GOLDEN = new URL('./fixtures/metrics.golden.txt', import.meta.url);
// Values that change from run to run (clocks, durations, the host's disk); the rest is pinned.
const VARIABLE = [
  /_timestamp_seconds$/,
  /_duration_seconds(_sum|_bucket|_count)?$/,
  /^dqlite_filesystem_/,
  /^dqlite_agent_temp_free_bytes$/,
  /^dqlite_agent_analysis_lag_seconds$/,
  /^dqlite_raft_entries_per_second$/,
];

let dir: string;
let test: TestAgent;
let metrics: Scrape;
let expected: Analysis;
let snapshotFile: string;

beforeAll(async () => {
  dir = copySample();
  snapshotFile = readdirSync(dir).find((name) => parseSnapshotName(name))!;
  test = await startTestAgent({ dataDir: dir, token: 'let-me-in' });
  await waitFor(() => test.agent.sources.runner.lastSuccessAt, 60_000, 'the first analysis');
  await test.agent.sources.poller.poll();
  metrics = await scrape(test.app, { authorization: 'Bearer let-me-in' });
  // The same core, called directly: what the worker thread computed must reach /metrics unchanged.
  expected = await analyze(join(dir, snapshotFile), { requireKine: false });
}, 90_000);
afterAll(async () => {
  await test?.stop();
});

describe('GET /metrics on a real snapshot', { timeout: 60_000 }, () => {
  it('reports the snapshot the node wrote: index and term from its name, size from the file', () => {
    const name = parseSnapshotName(snapshotFile)!;
    expect(metrics.value('dqlite_snapshot_index')).toBe(name.index);
    expect(metrics.value('dqlite_snapshot_term')).toBe(name.term);
    expect(metrics.value('dqlite_snapshot_size_bytes')).toBe(statSync(join(dir, snapshotFile)).size);
    expect(metrics.value('dqlite_snapshot_uncompressed_size_bytes')).toBe(expected.source.payloadBytes);
    // Seen at start, not written while watched: no write time, and no interval with one snapshot.
    expect(metrics.value('dqlite_snapshot_last_write_duration_seconds')).toBeUndefined();
    expect(metrics.value('dqlite_snapshots_total')).toBe(1);
  });

  it("exports the core's storage and kine figures for every database", () => {
    expect(expected.databases.length).toBeGreaterThan(0);
    for (const db of expected.databases) {
      const labels = { database: db.name };
      expect(metrics.value('dqlite_db_size_bytes', labels)).toBe(db.fileBytes);
      expect(metrics.value('dqlite_db_size_in_use_bytes', labels)).toBe(db.fileBytes - db.freeBytes);
      expect(metrics.value('dqlite_db_pages', labels)).toBe(db.pageCount);
      expect(metrics.value('dqlite_db_free_pages', labels)).toBe(db.freelistCount);
    }
    const kine = expected.kine!;
    expect(metrics.value('dqlite_kine_current_revision')).toBe(kine.currentRevision);
    expect(metrics.value('dqlite_kine_compact_revision')).toBe(kine.compactRevision ?? 0);
    expect(metrics.value('dqlite_kine_rows')).toBe(kine.rows);
    expect(metrics.value('dqlite_kine_live_keys')).toBe(kine.liveKeys);
    expect(metrics.value('dqlite_kine_history_rows')).toBe(kine.historyRows);
    expect(metrics.value('dqlite_kine_file_to_live_ratio')).toBeCloseTo(kine.fileToLiveRatio!, 9);
    for (const severity of ['info', 'warning', 'critical']) {
      const count = (expected.findings ?? []).filter((f) => f.severity === severity).length;
      expect(metrics.value('dqlite_findings', { severity })).toBe(count);
    }
  });

  it('reads node identity from info.yaml and the Raft log from file names', () => {
    const info = readFileSync(join(dir, 'info.yaml'), 'utf8');
    const id = /ID: (\d+)/.exec(info)![1]!;
    expect(metrics.value('dqlite_agent_info', { node_id: id, version: '0.0.0-test' })).toBe(1);
    expect(metrics.value('dqlite_cluster_members', { role: 'voter' })).toBe(1);
    expect(metrics.value('dqlite_raft_snapshot_files')).toBe(1);
    expect(metrics.value('dqlite_raft_snapshot_files_bytes')).toBe(
      statSync(join(dir, snapshotFile)).size + statSync(join(dir, `${snapshotFile}.meta`)).size,
    );
    expect(metrics.value('dqlite_filesystem_free_bytes')).toBeGreaterThan(0);
  });

  it('exports every metric its collectors register, but those of the probe and the journal (not configured here)', async () => {
    const registered = await metricCatalogue({ probe: false, journal: false });
    expect([...metrics.families.keys()]).toEqual(registered.map((metric) => metric.name));
    for (const name of metrics.families.keys()) expect(name).toMatch(/^dqlite_[a-z_]+$/);
    expect(metrics.value('dqlite_agent_collector_success', { collector: 'kine' })).toBe(1);
  });

  it('matches the golden scrape (UPDATE_GOLDEN=1 rewrites it)', () => {
    const normalised = normalise(metrics.text);
    if (process.env.UPDATE_GOLDEN) writeFileSync(GOLDEN, normalised);
    expect(normalised).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it('passes promtool check metrics when promtool is installed', (context) => {
    if (spawnSync('promtool', ['--version']).error) {
      context.skip('promtool not installed (Debian package prometheus)');
      return;
    }
    // promtool exits 0 with lint warnings on stdout; any output is a naming problem.
    const output = execFileSync('promtool', ['check', 'metrics'], { input: metrics.text, encoding: 'utf8' });
    expect(output.trim()).toBe('');
  });
});

describe('the other endpoints', { timeout: 60_000 }, () => {
  it('requires the bearer token on /metrics and /api but not on the probes', async () => {
    for (const url of ['/metrics', '/api/v1/analysis', '/api/v1/windows']) {
      expect((await test.app.inject({ url })).statusCode).toBe(401);
      expect(
        (await test.app.inject({ url, headers: { authorization: 'Bearer wrong-token' } })).statusCode,
      ).toBe(401);
    }
    expect((await test.app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });

  it('is ready once the newest snapshot is analysed, and serves that analysis', async () => {
    const ready = await test.app.inject({ url: '/readyz' });
    expect(ready.json()).toEqual({ ready: true, reasons: [] });
    const response = await test.app.inject({
      url: '/api/v1/analysis',
      headers: { authorization: 'Bearer let-me-in' },
    });
    expect(response.statusCode).toBe(200);
    const served = response.json() as Analysis;
    expect(served.source.dataFile).toBe(join(dir, snapshotFile));
    expect(served.kine?.rows).toBe(expected.kine?.rows);
  });

  it('serves recent windows as JSON', async () => {
    const response = await test.app.inject({
      url: '/api/v1/windows',
      headers: { authorization: 'Bearer let-me-in' },
    });
    expect(response.json()).toEqual({ windows: [] });
  });

  it('takes no path or file name from a request: fixed routes only, query strings ignored', async () => {
    const routes = test.app.printRoutes({ commonPrefix: false });
    const names = [...routes.matchAll(/── (\S+) \(/g)].map((match) => match[1]);
    expect(names.sort()).toEqual(['/', 'api/v1/analysis', 'api/v1/windows', 'healthz', 'metrics', 'readyz']);
    // No route parameters (:name) or wildcards (*) that could carry a path.
    expect(routes).not.toMatch(/[:*]/);
    const headers = { authorization: 'Bearer let-me-in' };
    const plain = await test.app.inject({ url: '/api/v1/analysis', headers });
    const asked = await test.app.inject({ url: '/api/v1/analysis?path=/etc/shadow&file=../../x', headers });
    expect(asked.json().source.dataFile).toBe(plain.json().source.dataFile);
    expect(
      (await test.app.inject({ url: '/api/v1/analysis/..%2F..%2Fetc%2Fshadow', headers })).statusCode,
    ).toBe(404);
  });

  it('can turn the analysis API off', async () => {
    const other = await startTestAgent({ dataDir: dir, analysisApi: false });
    try {
      expect((await other.app.inject({ url: '/api/v1/analysis' })).statusCode).toBe(404);
    } finally {
      await other.stop();
    }
  });

  it('is not ready while the data directory is missing', async () => {
    const other = await startTestAgent({ dataDir: join(dir, 'no-such-dir') });
    try {
      const response = await other.app.inject({ url: '/readyz' });
      expect(response.statusCode).toBe(503);
      expect(response.json().reasons).toEqual(['the data directory is missing or not watched']);
      const text = (await other.app.inject({ url: '/metrics' })).body;
      expect(text).toContain('dqlite_agent_data_dir_up 0');
      expect(text).not.toMatch(/^dqlite_snapshot_index /m);
    } finally {
      await other.stop();
    }
  });
});

function normalise(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      if (line.startsWith('#') || line === '') return line;
      const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)![0];
      return VARIABLE.some((pattern) => pattern.test(name)) ? line.replace(/ [^ ]+$/, ' <variable>') : line;
    })
    .join('\n');
}
