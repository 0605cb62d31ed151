import {
  copyFileSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { parseSnapshotName } from '@dqlite-analyzer/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { SnapshotRecord } from '../src/watch.js';
import { copySample, scrape, startTestAgent, type TestAgent, waitFor } from './helpers.js';

let running: TestAgent | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

function sampleFiles(dir: string) {
  const data = readdirSync(dir).find((name) => parseSnapshotName(name))!;
  return { data: join(dir, data), meta: join(dir, `${data}.meta`), name: parseSnapshotName(data)! };
}

/** Write a snapshot the way raft does: .meta through a tmp file, then the data through tmp-snapshot-…, renamed. */
async function writeSnapshot(
  dir: string,
  from: { data: string; meta: string },
  index: number,
  bytes?: Buffer,
) {
  const name = `snapshot-1-${index}-${1_000_000 + index}`;
  copyFileSync(from.meta, join(dir, `tmp-${name}.meta`));
  renameSync(join(dir, `tmp-${name}.meta`), join(dir, `${name}.meta`));
  const tmp = join(dir, `tmp-${name}`);
  writeFileSync(tmp, Buffer.alloc(0));
  await new Promise((resolve) => setTimeout(resolve, 30)); // the write takes a while
  if (bytes) writeFileSync(tmp, bytes);
  else copyFileSync(from.data, tmp);
  renameSync(tmp, join(dir, name));
  return name;
}

function listing(dir: string) {
  return readdirSync(dir)
    .sort()
    .map((name) => `${name} ${statSync(join(dir, name)).size} ${statSync(join(dir, name)).mtimeMs}`);
}

describe('snapshot watcher', { timeout: 60_000 }, () => {
  it('times a burst of snapshots, analyses the newest (latest wins) and changes nothing on disk', async () => {
    const dir = copySample();
    const sample = sampleFiles(dir);
    running = await startTestAgent({ dataDir: dir });
    const { runner, watcher } = running.agent.sources;
    await waitFor(() => runner.lastSuccessAt, 30_000, 'the first analysis');
    const seen: SnapshotRecord[] = [];
    watcher.on('snapshot', (record: SnapshotRecord) => seen.push(record));
    const names: string[] = [];
    for (const index of [2048, 3072, 4096, 5120]) {
      names.push(await writeSnapshot(dir, sample, index));
      await new Promise((resolve) => setTimeout(resolve, 150)); // a little faster than one analysis
    }
    // An analysis runs now (in its worker thread): a scrape must not wait for it.
    await waitFor(() => runner.running, 10_000, 'an analysis to be running');
    const started = performance.now();
    const during = await running.app.inject({ url: '/metrics' });
    expect(during.statusCode).toBe(200);
    // The scrape came back while the analysis still ran (so it did not wait for it), or — if the
    // analysis happened to end first — quickly. A clock bound alone was flaky on a loaded CI.
    expect(Boolean(runner.running) || performance.now() - started < 250).toBe(true);
    const newest = join(dir, names.at(-1)!);
    await waitFor(() => runner.lastSuccessPath === newest && !runner.running, 60_000, 'the newest analysed');
    const before = listing(dir);
    expect(watcher.latest?.index).toBe(5120);
    expect(seen.at(-1)).toMatchObject({ index: 5120, entriesSincePrevious: 1024, intervalSeconds: 1.024 });
    // Every snapshot written while watched has a write time: from tmp creation to rename.
    for (const record of seen) expect(record.writeSeconds).toBeGreaterThanOrEqual(0.02);
    const metrics = await scrape(running.app);
    expect(metrics.value('dqlite_snapshot_index')).toBe(5120);
    expect(metrics.value('dqlite_snapshot_entries')).toBe(1024);
    expect(metrics.value('dqlite_snapshot_size_bytes')).toBe(statSync(newest).size);
    expect(metrics.histogram('dqlite_snapshot_write_duration_seconds')).toBe(seen.length);
    const analyses = metrics.value('dqlite_agent_analyses_total', { result: 'success' })!;
    const skipped = metrics.value('dqlite_agent_analyses_skipped_total')!;
    // 1 at start + 4 new snapshots: each was analysed or skipped in favour of a newer one.
    expect(analyses + skipped).toBe(1 + seen.length);
    expect(listing(dir)).toEqual(before);
  });

  it('counts a truncated snapshot as a failed analysis and keeps serving the last good figures', async () => {
    const dir = copySample();
    const sample = sampleFiles(dir);
    running = await startTestAgent({ dataDir: dir, analysis: { staleAfter: '1s' } });
    const { runner } = running.agent.sources;
    await waitFor(() => runner.lastSuccessAt, 30_000, 'the first analysis');
    const good = runner.latest!;
    const half = readFileSync(sample.data).subarray(0, 200_000);
    await writeSnapshot(dir, sample, 9216, half);
    await waitFor(() => runner.results.get('error') === 1 && !runner.running, 30_000, 'the failed analysis');
    expect(runner.lastOutcome?.code).toMatch(/^DQA_LZ4_/);
    const metrics = await scrape(running.app);
    expect(metrics.value('dqlite_snapshot_index')).toBe(9216);
    expect(metrics.value('dqlite_agent_analyses_total', { result: 'error' })).toBe(1);
    expect(metrics.value('dqlite_agent_analysis_errors_total', { code: runner.lastOutcome!.code! })).toBe(1);
    // The storage figures stay those of the last good analysis.
    expect(metrics.value('dqlite_kine_rows')).toBe(good.kine!.rows);
    expect(metrics.value('dqlite_agent_analysis_lag_seconds')).toBeGreaterThan(0);
    // Not ready once the unanalysable snapshot has waited longer than analysis.staleAfter, and says why.
    let stale = await running.app.inject({ url: '/readyz' });
    for (let tries = 0; stale.statusCode !== 503 && tries < 100; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      stale = await running.app.inject({ url: '/readyz' });
    }
    expect(stale.json().reasons[0]).toMatch(
      /snapshot-1-9216-\d+ has waited \d+ s for a successful analysis \(last attempt: DQA_LZ4_/,
    );
  });

  // Before: "first analysis of … not finished yet" for as long as analysis.staleAfter, after it failed.
  it('says on /readyz that a failed first analysis failed, with its code', async () => {
    const dir = copySample();
    const sample = sampleFiles(dir);
    truncateSync(sample.data, 200_000);
    running = await startTestAgent({ dataDir: dir });
    const { runner } = running.agent.sources;
    await waitFor(() => runner.results.get('error') === 1 && !runner.running, 30_000, 'the failed analysis');
    const ready = await running.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    const [reason] = ready.json().reasons as string[];
    expect(reason).toMatch(/ failed: DQA_LZ4_[A-Z_]+: /);
    expect(reason!.startsWith(`first analysis of ${sample.data} failed: `)).toBe(true);
  });

  it('survives a snapshot truncated while it is being read', async () => {
    const dir = copySample();
    const sample = sampleFiles(dir);
    running = await startTestAgent({ dataDir: dir });
    const { runner, watcher } = running.agent.sources;
    await waitFor(() => runner.lastSuccessAt, 30_000, 'the first analysis');
    const finished = runner.results.get('success') ?? 0;
    // Cut the file shortly after the worker starts on it: whichever of read and cut wins, the run
    // ends as a success (read first) or as a typed DQA_* failure, and the agent keeps going.
    watcher.once('snapshot', (record: SnapshotRecord) => {
      setTimeout(() => truncateSync(record.dataFile, 100_000), 20);
    });
    await writeSnapshot(dir, sample, 6144);
    await waitFor(
      () =>
        (runner.results.get('error') ?? 0) + (runner.results.get('success') ?? 0) > finished &&
        !runner.running,
      30_000,
      'the analysis of the cut snapshot',
    );
    const outcome = runner.lastOutcome!;
    if (!outcome.ok) expect(outcome.code).toMatch(/^DQA_/);
    expect((await running.app.inject({ url: '/metrics' })).statusCode).toBe(200);
    expect(watcher.watching).toBe(true);
  });

  it('calls a snapshot removed mid-read "vanished", not an error', async () => {
    const dir = copySample();
    const sample = sampleFiles(dir);
    running = await startTestAgent({ dataDir: dir });
    const { runner, watcher } = running.agent.sources;
    await waitFor(() => runner.lastSuccessAt, 30_000, 'the first analysis');
    // raft prunes old snapshots; here the file goes as soon as the watcher has reported it.
    watcher.once('snapshot', (record: SnapshotRecord) => {
      unlinkSync(record.dataFile);
      unlinkSync(`${record.dataFile}.meta`);
    });
    await writeSnapshot(dir, sample, 7168);
    await waitFor(() => runner.results.get('vanished') === 1, 30_000, 'the vanished analysis');
    expect(runner.results.get('error')).toBeUndefined();
  });

  it('survives its directory disappearing and coming back', async () => {
    const dir = copySample();
    const sample = sampleFiles(dir);
    running = await startTestAgent({ dataDir: dir });
    const { runner, watcher } = running.agent.sources;
    await waitFor(() => runner.lastSuccessAt, 30_000, 'the first analysis');
    renameSync(dir, `${dir}.away`);
    await waitFor(() => !watcher.watching, 5000, 'the watcher to notice');
    expect((await running.app.inject({ url: '/readyz' })).statusCode).toBe(503);
    expect((await scrape(running.app)).value('dqlite_agent_data_dir_up')).toBe(0);
    renameSync(`${dir}.away`, dir);
    await waitFor(() => watcher.watching, 5000, 'the watcher to come back');
    // New snapshots in the returned directory are followed again.
    const name = await writeSnapshot(dir, sample, 8192);
    await waitFor(() => runner.lastSuccessPath === join(dir, name), 30_000, 'the new snapshot analysed');
    expect((await running.app.inject({ url: '/readyz' })).statusCode).toBe(200);
  });

  it('reads the Raft log from the listing of each scan, and shows none while the directory is gone', async () => {
    const dir = copySample();
    running = await startTestAgent({ dataDir: dir });
    const { watcher } = running.agent.sources;
    await waitFor(() => watcher.raftLog, 5000, 'the first scan');
    const closedBefore = watcher.raftLog!.closed.length;
    // A closed segment (canonical/raft src/uv_segment.c: FIRST-LAST, 16 digits each), as raft renames one.
    writeFileSync(join(dir, '0000000000900001-0000000000900100'), Buffer.alloc(4096));
    await watcher.rescan();
    expect(watcher.raftLog!.closed.length).toBe(closedBefore + 1);
    let metrics = await scrape(running.app);
    expect(metrics.value('dqlite_raft_segments', { state: 'closed' })).toBe(closedBefore + 1);
    expect(metrics.value('dqlite_raft_last_closed_index')).toBe(900100);
    renameSync(dir, `${dir}.away`);
    await watcher.rescan();
    expect(watcher.raftLog).toBeUndefined();
    metrics = await scrape(running.app);
    expect(metrics.value('dqlite_raft_snapshot_files')).toBeUndefined();
    expect(metrics.value('dqlite_raft_segments', { state: 'closed' })).toBeUndefined();
    renameSync(`${dir}.away`, dir);
  });
});
