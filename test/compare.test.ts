// compare() on two snapshots one real dqlite node wrote before and after a burst of writes to one key:
// the key must come out as the top writer with the exact count, and the interval from the file names.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Comparison, compare, isAnalyzerError } from '@dqlite-analyzer/core';
import { type SnapshotFiles, startDqliteNode, stopAllNodes } from '@dqlite-analyzer/test-support/dqlite-node';
import { type Extraction, extractWithCli, sqlite } from '@dqlite-analyzer/test-support/independent';
import { KineHistory, kineSchema, kineValue } from '@dqlite-analyzer/test-support/kine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BURST_KEY = '/registry/crd.projectcalico.org/clusterinformations/default';
const BURST = 700;
const OTHER_WRITES = 3;

let scratch: string;
let older: SnapshotFiles;
let newer: SnapshotFiles;
let comparison: Comparison;
let extraction: Extraction;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'dqa-compare-'));
  const node = await startDqliteNode();
  const history = new KineHistory();
  history.create(BURST_KEY, kineValue.json({ kind: 'ClusterInformation', spec: { datastoreReady: true } }));
  history.create('/registry/pods/default/web-1', kineValue.k8s(400));
  history.bulkCreate('/registry/configmaps/default/cm-', 50, kineValue.k8s(200), { chunk: 50 });
  await node.exec('k8s', [...kineSchema('v1'), ...history.takeStatements()]);
  // Both copies in one directory: one node, one boot, so the file names' timestamps give the interval.
  older = await node.copySnapshot(await node.padUntilSnapshot(), join(scratch, 'backend'));

  // A crash-looping controller rewrites one object; a few ordinary writes go on beside it.
  history.bulkUpdate(
    BURST_KEY,
    BURST,
    kineValue.json({ kind: 'ClusterInformation', spec: { datastoreReady: false } }),
    {
      chunk: 350,
    },
  );
  for (let i = 0; i < OTHER_WRITES; i++) history.update('/registry/pods/default/web-1', kineValue.k8s(400));
  await node.exec('k8s', history.takeStatements());
  newer = await node.copySnapshot(
    await node.padUntilSnapshot({ afterIndex: older.index }),
    join(scratch, 'backend'),
  );
  await node.stop();
  extraction = await extractWithCli(newer.dataPath);
  comparison = await compare(older.dataPath, newer.dataPath, { tempDir: scratch });
});

afterAll(async () => {
  await stopAllNodes();
  await extraction?.cleanup();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('compare() on two snapshots of one node', () => {
  it('reports the burst key as the top writer with the exact count', async () => {
    const k8s = extraction.databases.find((d) => d.name === 'k8s')!.mainPath;
    const since = comparison.older.currentRevision;
    const rows = await sqlite<{ name: string; n: number }>(
      k8s,
      `SELECT name, COUNT(*) AS n FROM kine WHERE id > ${since} GROUP BY name ORDER BY n DESC`,
    );
    expect(rows).toEqual([
      { name: BURST_KEY, n: BURST },
      { name: '/registry/pods/default/web-1', n: OTHER_WRITES },
    ]);
    expect(comparison.writes.map((w) => [w.key, w.revisions])).toEqual(rows.map((r) => [r.name, r.n]));
    expect(comparison.writesByPrefix.map((p) => [p.prefix, p.revisions, p.keys])).toEqual([
      ['crd.projectcalico.org/clusterinformations', BURST, 1],
      ['pods', OTHER_WRITES, 1],
    ]);
    expect(comparison.revisionsWritten).toBe(BURST + OTHER_WRITES);
    expect(comparison.retainedRows).toBe(BURST + OTHER_WRITES);
    expect(comparison.compactedBetween).toBe(false);
  });

  it('times the interval with the monotonic timestamps of the file names', () => {
    const seconds = (newer.timestamp - older.timestamp) / 1000;
    expect(comparison).toMatchObject({
      intervalSource: 'snapshot-timestamps',
      intervalSeconds: seconds,
      older: { timestampMs: older.timestamp, index: older.index },
      newer: { timestampMs: newer.timestamp, index: newer.index },
    });
    expect(comparison.writes[0]!.perMinute).toBeCloseTo((BURST * 60) / seconds, 9);
    expect(comparison.revisionsPerMinute).toBeCloseTo(((BURST + OTHER_WRITES) * 60) / seconds, 9);
  });

  it('uses a caller-given interval over the file names', async () => {
    const given = await compare(older.dataPath, newer.dataPath, { tempDir: scratch, intervalSeconds: 120 });
    expect(given).toMatchObject({ intervalSource: 'given', intervalSeconds: 120 });
    expect(given.writes[0]!.perMinute).toBe(BURST / 2);
  });

  it('refuses the snapshots in the wrong order', async () => {
    const error = await compare(newer.dataPath, older.dataPath, { tempDir: scratch }).catch(
      (e: unknown) => e,
    );
    expect(isAnalyzerError(error, 'DQA_COMPARE_ORDER')).toBe(true);
  });
});
