import { describe, expect, it } from 'vitest';
import { scanKineTable } from '../../src/kine/table-scan.js';
import type { SqliteDatabase } from '../../src/sqlite/open.js';
import { kineDb, kineValue } from './kine-db.js';

const readHotKeys = (db: SqliteDatabase, limit?: number) => scanKineTable(db, { hotKeys: limit }).hotKeys;

describe('hot keys from the table scan', () => {
  const lease = '/registry/leases/kube-system/kube-scheduler';
  const db = kineDb((h) => {
    h.create(lease, kineValue.k8s(20));
    h.bulkUpdate(lease, 59, kineValue.k8s(20), { chunk: 30 });
    for (let i = 0; i < 10; i++) h.create(`/registry/configmaps/default/cm-${i}`, kineValue.k8s(10));
    h.update('/registry/configmaps/default/cm-0', kineValue.k8s(10));
    h.delete('/registry/configmaps/default/cm-0');
    h.gap(5);
    h.compact(3);
  });

  it('ranks keys by retained revisions, with their share of all retained rows', () => {
    const [first, second, third] = readHotKeys(db, 3);
    // Compaction up to revision 3 removed lease revisions 1 and 2 (superseded by 2 and 3): 58 lease rows
    // + 12 configmap rows (cm-0: create, update, delete) = 70; gap and compact_rev_key rows excluded.
    expect(first).toMatchObject({
      key: lease,
      prefix: 'leases',
      resource: 'leases',
      revisions: 58,
      share: 58 / 70,
      oldestRevision: 3,
      latestRevision: 60,
      deleted: false,
    });
    // Every remaining lease row is an update: key + 24-byte value + 24-byte old_value.
    expect(first!.bytes).toBe(58 * (lease.length + 48));
    expect(second).toMatchObject({ key: '/registry/configmaps/default/cm-0', revisions: 3, deleted: true });
    expect(third).toMatchObject({ key: '/registry/configmaps/default/cm-1', revisions: 1 });
  });

  it('returns nothing for an empty table', () => {
    expect(readHotKeys(kineDb(() => {}))).toEqual([]);
  });
});
