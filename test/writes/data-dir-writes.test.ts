// Who is writing, end to end on a real dqlite node: snapshot A; a burst of writes to one Lease and to
// the Events about one object; snapshot B in the same data directory (raft keeps the two newest).
// `dqlite-analyze <data dir>` must name the Lease as the top writer with the count sqlite3 finds on
// the two kept copies; then ordinary writes and snapshot C: the B→C writes raise no write-storm.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Analysis } from '@dqlite-analyzer/core';
import {
  type DqliteNode,
  type SnapshotFiles,
  startDqliteNode,
  stopAllNodes,
} from '@dqlite-analyzer/test-support/dqlite-node';
import { sqlite } from '@dqlite-analyzer/test-support/independent';
import { KineHistory, kineSchema, kineValue } from '@dqlite-analyzer/test-support/kine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli } from '../cli/run-cli.js';

const LEASE = '/registry/leases/kube-system/calico-kube-controllers';
const LEASE_BURST = 600;
const POD = 'calico-kube-controllers-7c9f8d5b4-x2xqv';
// client-go names an Event `<involved object>.<16 hex digits>` (tools/record/events_cache.go).
const EVENTS = ['17f3a2b4c5d6e7f8', '17f3a2b4c5d6e7f9', '17f3a2b4c5d6e7fa'].map(
  (suffix) => `/registry/events/kube-system/${POD}.${suffix}`,
);
const EVENT_BUMPS = 40;

let node: DqliteNode;
let scratch: string;
let a: SnapshotFiles;
let b: SnapshotFiles;
let stormJson: Analysis;
let stormText: CliResult;
let copies: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'dqa-writes-'));
  node = await startDqliteNode({ keep: true });
  const history = new KineHistory();
  history.create(LEASE, kineValue.k8s(300));
  history.create(`/registry/pods/kube-system/${POD}`, kineValue.k8s(900));
  history.bulkCreate('/registry/configmaps/default/cm-', 30, kineValue.k8s(200), { chunk: 30 });
  await node.exec('k8s', [...kineSchema('v1'), ...history.takeStatements()]);
  a = await node.padUntilSnapshot();

  // The crash loop: its Lease renewed over and over, an Event about its pod posted and bumped per try.
  history.bulkUpdate(LEASE, LEASE_BURST, kineValue.k8s(300), { chunk: 300 });
  for (const event of EVENTS) {
    history.create(event, kineValue.k8s(500));
    history.bulkUpdate(event, EVENT_BUMPS, kineValue.k8s(500), { chunk: EVENT_BUMPS });
  }
  history.update(`/registry/pods/kube-system/${POD}`, kineValue.k8s(900));
  await node.exec('k8s', history.takeStatements());
  b = await node.padUntilSnapshot({ afterIndex: a.index });
  expect((await node.snapshots()).map((s) => s.name)).toEqual([a.name, b.name]);

  copies = join(scratch, 'copies');
  await mkdir(copies);
  [stormText] = await Promise.all([runCli([node.dataDir])]);
  const json = await runCli([node.dataDir, '--format', 'json', '--keep-copies', copies]);
  stormJson = JSON.parse(json.stdout) as Analysis;
}, 180_000);

afterAll(async () => {
  await stopAllNodes();
  if (node) await rm(dirname(node.dataDir), { recursive: true, force: true });
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('dqlite-analyze <data dir> with two snapshots', () => {
  it('counts the writes between them as sqlite3 does on the two kept copies', async () => {
    const writes = stormJson.writes!;
    expect(writes).not.toBeNull();
    expect(writes.older).toMatchObject({
      dataFile: a.dataPath,
      timestampMs: a.timestamp,
      copyPath: join(copies, 'k8s.older.db'),
    });
    expect(writes.newer).toMatchObject({
      dataFile: b.dataPath,
      timestampMs: b.timestamp,
      copyPath: join(copies, 'k8s.db'),
    });
    const [older] = await sqlite<{ n: number }>(writes.older.copyPath!, 'SELECT max(id) AS n FROM kine');
    const [newer] = await sqlite<{ n: number }>(writes.newer.copyPath!, 'SELECT max(id) AS n FROM kine');
    expect([writes.older.currentRevision, writes.newer.currentRevision]).toEqual([older!.n, newer!.n]);
    const perKey = await sqlite<{ name: string; n: number }>(
      writes.newer.copyPath!,
      `SELECT name, count(*) AS n FROM kine WHERE id > ${older!.n} GROUP BY name ORDER BY n DESC, name`,
    );
    expect(perKey[0]).toEqual({ name: LEASE, n: LEASE_BURST });
    expect(writes.writes.map((w) => [w.key, w.revisions])).toEqual(perKey.map((r) => [r.name, r.n]));
    const total = LEASE_BURST + EVENTS.length * (EVENT_BUMPS + 1) + 1;
    expect(writes.revisionsWritten).toBe(newer!.n - older!.n);
    expect(writes.revisionsWritten).toBe(total);
    expect(writes).toMatchObject({ retainedRows: total, compactedRevisions: 0, bookkeepingRows: 0 });
    expect(writes.eventObjects).toEqual([
      expect.objectContaining({
        key: `/registry/events/kube-system/${POD}`,
        namespace: 'kube-system',
        object: POD,
        revisions: EVENTS.length * (EVENT_BUMPS + 1),
        events: EVENTS.length,
      }),
    ]);
  });

  it('rates them over the interval from the file names', () => {
    const seconds = (b.timestamp - a.timestamp) / 1000;
    const writes = stormJson.writes!;
    expect(writes).toMatchObject({ intervalSource: 'snapshot-timestamps', intervalSeconds: seconds });
    expect(writes.writes[0]!.perMinute).toBeCloseTo((LEASE_BURST * 60) / seconds, 9);
    expect(writes.writesByPrefix[0]).toMatchObject({
      prefix: 'leases',
      group: 'coordination.k8s.io',
      revisions: LEASE_BURST,
    });
  });

  it('raises write-storm naming the Lease, its namespace and its writer', () => {
    const storm = stormJson.findings.find((f) => f.id === 'write-storm')!;
    expect(storm).toBeDefined();
    expect(storm.data).toMatchObject({
      key: LEASE,
      kind: 'lease',
      namespace: 'kube-system',
      revisions: LEASE_BURST,
      writer: 'the holder of Lease kube-system/calico-kube-controllers (leader election)',
    });
    expect(storm.data.keys).toEqual([LEASE, `/registry/events/kube-system/${POD}`, 'events']);
  });

  it('text: the top writer with its count and rate', () => {
    const flat = stormText.stdout.replace(/\s+/g, ' ');
    const rate = Math.round((LEASE_BURST * 60) / ((b.timestamp - a.timestamp) / 1000));
    expect(flat).toContain(`top writer ${LEASE}: ${LEASE_BURST} revisions`);
    expect(flat).toContain(`${rate.toLocaleString('en-US')}/min`);
  });
});
