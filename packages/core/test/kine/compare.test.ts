import { describe, expect, it } from 'vitest';
import type { ComparedSnapshot } from '../../src/analysis-types.js';
import { intervalBetween } from '../../src/kine/compare.js';
import { readWritesSince } from '../../src/kine/writes.js';
import { kineDb, kineValue } from './kine-db.js';

const snapshot = (over: Partial<ComparedSnapshot>): ComparedSnapshot => ({
  path: '/data/snapshot-1-100-5000',
  dataFile: '/data/snapshot-1-100-5000',
  directory: '/data',
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

  it('falls back to modification times across directories or a reboot', () => {
    const later = { modifiedAt: '2026-01-01T00:02:00.000Z' };
    expect(
      intervalBetween(snapshot({}), snapshot({ ...later, directory: '/other', timestampMs: 9000 })),
    ).toMatchObject({
      seconds: 120,
      source: 'file-mtimes',
    });
    const rebooted = intervalBetween(snapshot({}), snapshot({ ...later, timestampMs: 300 }));
    expect(rebooted).toMatchObject({ seconds: 120, source: 'file-mtimes' });
    expect(rebooted.note).toContain('rebooted');
  });

  it('says when there is no usable time base', () => {
    expect(intervalBetween(snapshot({}), snapshot({ directory: '/other' }))).toMatchObject({
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
    expect(readWritesSince(db, 44).rows).toBe(0);
  });
});
