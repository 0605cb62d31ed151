import { INCIDENT_TRAILER, writeIncident } from '@dqlite-analyzer/test-support/incident';
import { kineSchema } from '@dqlite-analyzer/test-support/kine-schema';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { scanKineTable } from '../../src/kine/table-scan.js';
import { cutMiddle } from '../../src/long-strings.js';
import { type KineHistory, kineDb, kineValue } from './kine-db.js';
import { readHotKeys, readKineRevisions, readPrefixUsage } from './reference.js';

// On every kine layout the scan must give exactly the figures of the independent reference (reference.ts).
describe('scanKineTable', () => {
  for (const layout of ['v1', 'v65536', 'legacy'] as const) {
    it(`equals the reference on the incident history (${layout} layout)`, () => {
      const db = kineDb(writeIncident, layout, INCIDENT_TRAILER);
      const scan = scanKineTable(db, { byNamespace: true, hotKeys: 20 });
      const { sequence: _sequence, ...revisions } = readKineRevisions(db);
      expect({ ...scan.revisions, sequence: undefined }).toEqual({ ...revisions, sequence: undefined });
      expect(scan.prefixes).toEqual(readPrefixUsage(db, { byNamespace: true }));
      expect(scan.hotKeys).toEqual(readHotKeys(db, 20));
      // The incident is not empty: the comparison above compared something.
      expect(scan.revisions.historyRows).toBeGreaterThan(10_000);
    }, 30_000);
  }
});

// Keys a per-directory grouping could get wrong, with history, tombstones, kine's own rows (one with a
// slash) and hot keys tied on revisions.
describe('scanKineTable on awkward keys', () => {
  const ODD_KEYS = [
    '/registry/foo',
    '/registry/bar',
    '/registry/crd.example.com/widgets',
    '/registry/crd.example.com/gadgets',
    '/registry/crd.example.com/widgets/ns/w',
    '/registry/services/specs',
    '/registry/pods/ns1/a',
    '/registry/pods/ns1/a/b',
    '/registry/pods/ns2/c',
    '/registry/minions/n1',
    'plain-key',
    'other/x/y',
  ];
  const write = (h: KineHistory) => {
    for (const key of ODD_KEYS) h.create(key, kineValue.k8s(10));
    for (const key of ['/registry/foo', '/registry/pods/ns1/a/b', '/registry/crd.example.com/gadgets'])
      h.update(key, kineValue.k8s(30));
    h.delete('/registry/crd.example.com/gadgets');
    h.delete('/registry/pods/ns2/c');
    h.gap(2);
    h.compact(3);
  };
  const GAP_WITH_SLASH =
    "INSERT INTO kine(name, created, deleted, create_revision, prev_revision, lease, value, old_value) VALUES ('gap-x/y', 0, 1, 0, 0, 0, NULL, NULL)";

  for (const layout of ['v1', 'v65536', 'legacy'] as const) {
    it(`equals the reference (${layout} layout)`, () => {
      const db = kineDb(write, layout, [GAP_WITH_SLASH]);
      const { sequence: _sequence, ...revisions } = readKineRevisions(db);
      for (const byNamespace of [true, false]) {
        const scan = scanKineTable(db, { byNamespace, hotKeys: 4 });
        expect({ ...scan.revisions, sequence: undefined }).toEqual({ ...revisions, sequence: undefined });
        expect(scan.prefixes).toEqual(readPrefixUsage(db, { byNamespace }));
      }
      // gadgets has 3 revisions, foo, pods/ns1/a/b and pods/ns2/c 2 each, the rest 1: limits 2, 3 and 5
      // cut through ties, which go to the smaller key.
      for (const limit of [0, 1, 2, 3, 4, 5, 20])
        expect(scanKineTable(db, { hotKeys: limit }).hotKeys).toEqual(readHotKeys(db, limit));
      const scan = scanKineTable(db, { byNamespace: true });
      expect(scan.revisions.gapRows).toBe(3);
      expect(scan.prefixes.map((p) => p.prefix)).toEqual(
        expect.arrayContaining([
          'foo',
          'bar',
          'crd.example.com/widgets',
          'crd.example.com/gadgets',
          'services/specs',
        ]),
      );
    });
  }
});

// compact_rev_key moved past rows compaction did not remove (as a pass that failed its DELETEs, or a
// table copied from elsewhere would leave): those rows are history compaction has passed.
describe('scanKineTable where compaction passed rows it did not remove', () => {
  // Long names are counted on their own path: see the long-names test below.
  const A = '/registry/leases/kube-system/kube-scheduler';
  const write = (h: KineHistory) => {
    h.create(A, kineValue.k8s(50)); // 1
    h.compact(0); // 2: compact_rev_key, nothing removed
    h.bulkUpdate(A, 4, kineValue.k8s(50)); // 3-6
    h.update(A, kineValue.k8s(50)); // 7
  };
  const MOVED = "UPDATE kine SET prev_revision = 5 WHERE name = 'compact_rev_key'";

  for (const layout of ['v1', 'v65536', 'legacy'] as const) {
    it(`counts them as the reference does (${layout} layout)`, () => {
      const db = kineDb(write, layout, [MOVED]);
      const scan = scanKineTable(db);
      const { sequence: _sequence, ...revisions } = readKineRevisions(db);
      expect({ ...scan.revisions, sequence: undefined }).toEqual({ ...revisions, sequence: undefined });
      // 1, 3 and 4 are followed by rows at or below 5; 5 by 6, 6 by 7.
      expect(scan.revisions).toMatchObject({ compactRevision: 5, historyRows: 5, historyRowsPassed: 3 });
    });
  }

  it('none when compaction removed what it passed, or never ran', () => {
    const compacted = kineDb((h) => {
      write(h);
      h.compact(5);
    });
    expect(scanKineTable(compacted).revisions).toMatchObject({
      compactRevision: 5,
      historyRows: 2, // 5 and 6 are left
      historyRowsPassed: 0,
    });
    const never = kineDb((h) => {
      h.create(A, kineValue.k8s(50));
      h.bulkUpdate(A, 3, kineValue.k8s(50));
    });
    expect(scanKineTable(never).revisions).toMatchObject({ compactRevision: null, historyRowsPassed: 0 });
  });
});

// A damaged or crafted table: ids below zero (kine starts at 1), and a value past the read limit.
describe('scanKineTable on hostile rows', () => {
  const insert = (id: number, name: string, value: string, prev = 0) =>
    'INSERT INTO kine(id, name, created, deleted, create_revision, prev_revision, lease, value, old_value) ' +
    `VALUES (${id}, '${name}', 1, 0, 0, ${prev}, 0, ${value}, NULL)`;

  it('negative ids are counted like any other (was: RangeError "Invalid typed array length: -12")', () => {
    const rows = [
      insert(-100, '/registry/pods/default/a', "X'6b387300'"),
      insert(-12, '/registry/pods/default/a', "X'6b387300'", -100),
      insert(-50, '/registry/pods/default/b', "X'6b387300'"),
    ];
    const db = kineDb(() => {}, 'v1', rows);
    const scan = scanKineTable(db, { hotKeys: 4 });
    const { sequence: _sequence, ...revisions } = readKineRevisions(db);
    expect({ ...scan.revisions, sequence: undefined }).toEqual({ ...revisions, sequence: undefined });
    expect(scan.revisions).toMatchObject({ rows: 3, liveKeys: 2, historyRows: 1, currentRevision: -12 });
    expect(scan.prefixes).toEqual(readPrefixUsage(db));
  });

  it('a value longer than 1.5 MiB is measured and classed oversized, as the reference says', () => {
    const rows = [
      insert(1, '/registry/configmaps/default/big', `zeroblob(${2 * 1024 * 1024})`),
      insert(2, '/registry/configmaps/default/small', "X'6b387300'"),
    ];
    const db = kineDb(() => {}, 'v1', rows);
    const scan = scanKineTable(db);
    expect(scan.prefixes).toEqual(readPrefixUsage(db));
    expect(scan.prefixes[0]?.values).toMatchObject({ oversized: 1, protobuf: 1 });
    expect(scan.revisions.liveValueBytes).toBe(2 * 1024 * 1024 + 4);
  });
});

// Names over 3 KiB (kine/long-names.ts) take their own path: never grouped, compared nor handed to
// JS whole. The figures stay the reference's, and so does the order of hot keys tied on revisions,
// long names among ordinary ones; the keys are shown cut, as cutMiddle makes them.
describe('scanKineTable on names longer than any Kubernetes key', () => {
  const a5000 = `/registry/configmaps/default/${'a'.repeat(5000)}`;
  const KEYS: Array<[key: string, revisions: number, deleted?: boolean]> = [
    [a5000, 3],
    // The same first 4,096 characters as a5000, one more byte.
    [`${a5000}b`, 2],
    // The same length and start as a5000, another end.
    [`/registry/configmaps/default/${'a'.repeat(4999)}z`, 2],
    // Tied with the long ones, sorting before, between and after them.
    ['/registry/configmaps/default/a', 2],
    ['/registry/configmaps/default/ab', 2],
    ['/registry/configmaps/default/b', 3],
    // Two bytes a character; its latest row a tombstone.
    [`/registry/secrets/ns/${'é'.repeat(3000)}`, 2, true],
    // Long, but under 3,072 bytes: the ordinary path, cut when shown.
    [`/registry/pods/ns/${'p'.repeat(2000)}`, 3],
    [`gap-${'g'.repeat(4000)}`, 1],
    ['/registry/pods/ns/web-0', 1],
  ];

  for (const layout of ['v1', 'v65536', 'legacy'] as const) {
    it(`equals the reference (${layout} layout)`, () => {
      const db = new Database(':memory:');
      for (const statement of kineSchema(layout)) db.exec(statement);
      const insert = db.prepare(
        'INSERT INTO kine(name, created, deleted, create_revision, prev_revision, lease, value, old_value) VALUES (?, ?, ?, 0, ?, 0, ?, NULL)',
      );
      // Interleaved, so that each key's rows are not consecutive ids.
      const prev = new Map<string, number>();
      for (let round = 0; round < 3; round++)
        for (const [key, revisions, deleted] of KEYS) {
          if (round >= revisions) continue;
          const last = deleted === true && round === revisions - 1;
          const id = insert.run(
            key,
            round === 0 ? 1 : 0,
            last ? 1 : 0,
            prev.get(key) ?? 0,
            Buffer.from(`k8s\0value ${round}`),
          );
          prev.set(key, Number(id.lastInsertRowid));
        }
      // Compacted up to the second round (ids 11-18) without removing anything: the first rows of
      // the eight keys written twice or more are passed, four of them long names.
      db.exec(
        "INSERT INTO kine(name, created, deleted, create_revision, prev_revision, lease, value, old_value) VALUES ('compact_rev_key', 1, 0, 0, 18, 0, X'', NULL)",
      );
      const { sequence: _sequence, ...revisions } = readKineRevisions(db);
      expect(revisions.historyRowsPassed).toBe(8);
      for (const byNamespace of [true, false]) {
        const scan = scanKineTable(db, { byNamespace, hotKeys: 20 });
        expect({ ...scan.revisions, sequence: undefined }).toEqual({ ...revisions, sequence: undefined });
        expect(scan.prefixes).toEqual(readPrefixUsage(db, { byNamespace }));
      }
      for (const limit of [0, 1, 2, 3, 4, 5, 6, 7, 20])
        expect(scanKineTable(db, { hotKeys: limit }).hotKeys).toEqual(
          readHotKeys(db, limit).map((hot) => ({ ...hot, key: cutMiddle(hot.key) })),
        );
      expect(scanKineTable(db).hotKeys.map((hot) => hot.key)).toContain(cutMiddle(a5000));
    });
  }
});
