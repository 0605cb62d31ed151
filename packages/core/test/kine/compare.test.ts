import { describe, expect, it } from 'vitest';
import type { ComparedSnapshot } from '../../src/analysis-types.js';
import { intervalBetween } from '../../src/kine/compare.js';
import { readWritesSince } from '../../src/kine/writes.js';
import { kineDb, kineValue } from './kine-db.js';

const snapshot = (over: Partial<ComparedSnapshot>): ComparedSnapshot => ({
  path: '/data/snapshot-1-100-5000',
  dataFile: '/data/snapshot-1-100-5000',
  directory: '/data',
  nodeId: '3297041220608546238',
  nodeAddress: '127.0.0.1:9001',
  configurationIndex: 1,
  servers: [{ id: '3297041220608546238', address: '127.0.0.1:9001', role: 'voter' as const }],
  term: 1,
  index: 100,
  timestampMs: 5000,
  modifiedAt: '2026-01-01T00:00:00.000Z',
  currentRevision: 10,
  compactRevision: null,
  ...over,
});

describe('intervalBetween', () => {
  it('prefers a caller-given interval', () => {
    expect(intervalBetween(snapshot({}), snapshot({ timestampMs: 9000 }), 42)).toMatchObject({
      seconds: 42,
      source: 'given',
    });
  });

  it('uses the monotonic timestamps of one node and one boot', () => {
    const newer = snapshot({ timestampMs: 65_000, modifiedAt: '2026-01-01T00:10:00.000Z' });
    expect(intervalBetween(snapshot({}), newer)).toMatchObject({
      seconds: 60,
      source: 'snapshot-timestamps',
    });
  });

  it('writes the timestamps and the term in its note as the report writes them elsewhere', () => {
    const older = snapshot({ term: 1204, timestampMs: 3_836_320 });
    const newer = snapshot({ term: 1204, timestampMs: 3_896_320 });
    expect(intervalBetween(older, newer).note).toBe(
      'snapshot file names of one node (/data), term 1,204: 3,836,320 ms → 3,896,320 ms on its monotonic clock',
    );
  });

  it("falls back to modification times only in the node's own data directory", () => {
    const later = { modifiedAt: '2026-01-01T00:02:00.000Z' };
    const rebooted = intervalBetween(snapshot({}), snapshot({ ...later, timestampMs: 300 }));
    expect(rebooted).toMatchObject({ seconds: 120, source: 'file-mtimes' });
    expect(rebooted.note).toContain('rebooted');
    const newTerm = intervalBetween(
      snapshot({}),
      snapshot({ ...later, term: 2, index: 200, timestampMs: 9000 }),
    );
    expect(newTerm).toMatchObject({ seconds: 120, source: 'file-mtimes' });
    expect(newTerm.note).toContain('different terms');
  });

  it('uses the names of one node kept in two directories (same node id, same term)', () => {
    const newer = snapshot({ directory: '/copies/b', timestampMs: 65_000 });
    expect(intervalBetween(snapshot({ directory: '/copies/a' }), newer)).toMatchObject({
      seconds: 60,
      source: 'snapshot-timestamps',
    });
  });

  // go-dqlite gives every cluster's first node one id: the address tells two such nodes apart.
  it('does not take the same node id at two addresses for one node', () => {
    const other = snapshot({ directory: '/copies/b', nodeAddress: '127.0.0.1:9002', timestampMs: 65_000 });
    expect(intervalBetween(snapshot({ directory: '/copies/a' }), other)).toMatchObject({
      seconds: null,
      source: null,
    });
  });

  // compare of two copies 4 ms apart once said "700 revisions in 0.00 s (10,500,000/min)".
  it('refuses file times of copies and intervals under a second, with the --interval-seconds hint', () => {
    const copies = (over: Partial<ComparedSnapshot>) => ({ ...over, nodeId: null });
    const copied = intervalBetween(
      snapshot(copies({ directory: '/copies/a' })),
      snapshot(copies({ directory: '/copies/b', timestampMs: 9000, modifiedAt: '2026-01-01T00:00:00.004Z' })),
    );
    expect(copied).toEqual({
      seconds: null,
      source: null,
      note:
        "unknown: the snapshots are not known to be one node's (different directories, no info.yaml " +
        'naming the same node), and the ' +
        "files' modification times may be those of copies; rerun with --interval-seconds <seconds between the two snapshots>",
    });
    const fast = intervalBetween(snapshot({}), snapshot({ timestampMs: 5400 }));
    expect(fast).toMatchObject({ seconds: null, source: null });
    expect(fast.note).toMatch(/0\.4 s apart, under 1 s; rerun with --interval-seconds </);
    const sameMtime = intervalBetween(
      snapshot({}),
      snapshot({ term: 2, modifiedAt: '2026-01-01T00:00:00.004Z' }),
    );
    expect(sameMtime).toMatchObject({ seconds: null, source: null });
    expect(sameMtime.note).toContain('0.004 s apart; rerun with --interval-seconds');
  });

  it('says when there is no usable time base', () => {
    expect(intervalBetween(snapshot({}), snapshot({ directory: '/other', nodeId: null }))).toMatchObject({
      seconds: null,
      source: null,
    });
  });
});

describe('readWritesSince', () => {
  it('counts rows written after a revision, per key and per prefix', () => {
    const hot = '/registry/leases/kube-system/kube-controller-manager';
    const db = kineDb((h) => {
      h.create(hot, kineValue.k8s(10)); // 1
      h.create('/registry/pods/default/a', kineValue.k8s(10)); // 2
      h.bulkUpdate(hot, 40, kineValue.k8s(10)); // 3..42
      h.update('/registry/pods/default/a', kineValue.k8s(10)); // 43
      h.create('/registry/pods/default/b', kineValue.k8s(10)); // 44
      h.gap(2);
    });
    const writes = readWritesSince(db, 2);
    expect(writes.rows).toBe(42);
    expect(writes.keys.map((k) => [k.key, k.revisions])).toEqual([
      [hot, 40],
      ['/registry/pods/default/a', 1],
      ['/registry/pods/default/b', 1],
    ]);
    expect(writes.prefixes.map((p) => [p.prefix, p.revisions, p.keys])).toEqual([
      ['leases', 40, 1],
      ['pods', 2, 2],
    ]);
    expect(writes.bookkeepingRows).toBe(2);
    expect(writes.keys[0]).toMatchObject({
      namespace: 'kube-system',
      writer: 'the holder of Lease kube-system/kube-controller-manager (leader election)',
    });
    expect(readWritesSince(db, 44).rows).toBe(0);
  });
});
