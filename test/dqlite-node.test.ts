// Verifies the fixture kit itself against a real dqlite node: the KineHistory model must predict exactly
// what the node stores, and the snapshot the node writes must contain it. Every expectation comes from the
// model, so a drift between the kit's SQL and its model fails here rather than in the analyzer's tests.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DqliteNode, startDqliteNode, stopAllNodes } from '@dqlite-analyzer/test-support/dqlite-node';
import { extractWithCli, isLz4, lz4Test, sqlite } from '@dqlite-analyzer/test-support/independent';
import {
  KINE_INDEXES,
  KINE_USER_VERSION,
  KineHistory,
  type KineSchemaVariant,
  kineSchema,
  kineValue,
} from '@dqlite-analyzer/test-support/kine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The figures of KineHistory.figures(), computed by SQL (formats.md §3.3 queries).
const FIGURES_SQL =
  'SELECT (SELECT COUNT(*) FROM kine) AS rows, (SELECT COUNT(*) FROM kine WHERE deleted = 0) AS undeletedRows, ' +
  '(SELECT COUNT(*) FROM kine WHERE deleted = 1) AS tombstones, ' +
  "(SELECT COUNT(*) FROM kine WHERE name LIKE 'gap-%') AS gapRows, " +
  '(SELECT COUNT(*) FROM kine kv JOIN (SELECT MAX(id) AS id FROM kine GROUP BY name) m ON m.id = kv.id ' +
  "WHERE kv.deleted = 0 AND kv.name != 'compact_rev_key' AND kv.name NOT LIKE 'gap-%') AS liveKeys, " +
  '(SELECT COUNT(*) - COUNT(DISTINCT name) FROM kine) AS historyRows, ' +
  '(SELECT COALESCE(MAX(id), 0) FROM kine) AS currentRevision, ' +
  "(SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = 'kine') AS sequence, " +
  "(SELECT COALESCE(MAX(prev_revision), 0) FROM kine WHERE name = 'compact_rev_key') AS compactRevision, " +
  '(SELECT COALESCE(SUM(length(CAST(value AS BLOB))), 0) FROM kine) AS valueBytes, ' +
  '(SELECT COALESCE(SUM(length(CAST(old_value AS BLOB))), 0) FROM kine) AS oldValueBytes';

const ROWS_SQL =
  'SELECT id, name, created, deleted, create_revision AS createRevision, prev_revision AS prevRevision, lease, ' +
  'length(CAST(value AS BLOB)) AS valueBytes, length(CAST(old_value AS BLOB)) AS oldValueBytes FROM kine ORDER BY id';

const SCHEMA_SQL =
  "SELECT (SELECT json_group_array(name) FROM (SELECT name FROM sqlite_master WHERE type = 'index' " +
  "AND name NOT LIKE 'sqlite_autoindex%' ORDER BY name)) AS indexes, " +
  '(SELECT user_version FROM pragma_user_version) AS userVersion';

/** A history touching every kind of row: versions, tombstones, a recreate, compaction, gap rows, bulk rows. */
function writeHistory(h: KineHistory): void {
  const pod = (name: string) => `/registry/pods/default/${name}`;
  const lease = '/registry/leases/kube-node-lease/node-1';
  h.create(pod('web-1'), kineValue.k8s(300));
  h.create(pod('web-2'), kineValue.k8s(280));
  h.create('/registry/example.com/widgets/default/w1', kineValue.json({ kind: 'Widget', spec: { size: 3 } }));
  h.update(pod('web-1'), kineValue.k8s(320));
  h.update(pod('web-1'), kineValue.k8s(340));
  h.create(lease, kineValue.k8s(120), { lease: 60 });
  h.bulkUpdate(lease, 25, kineValue.k8s(120), { chunk: 10, lease: 60 });
  h.delete(pod('web-2'));
  h.create(pod('web-2'), kineValue.k8s(290)); // recreate after delete
  h.bulkCreate('/registry/configmaps/default/cm-', 20, kineValue.zero(500), { chunk: 8 });
  h.gap(3);
  h.delete('/registry/configmaps/default/cm-3');
  h.compact(h.figures().currentRevision - 5);
  // After the compaction: more history, including tombstones and gap rows the compaction did not reach.
  h.update(pod('web-1'), kineValue.random(200));
  h.delete(pod('web-1'));
  h.gap(2);
  h.update('/registry/configmaps/default/cm-1', kineValue.zero(600));
}

describe('dqlite fixture kit on a real node', () => {
  let node: DqliteNode;
  let scratch: string;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'dqa-kit-test-'));
    node = await startDqliteNode();
  });

  afterAll(async () => {
    await stopAllNodes();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('snapshot of a kine history holds exactly what the model predicts', async () => {
    const h = new KineHistory();
    writeHistory(h);
    const expected = h.figures();
    // The history must exercise what it claims to, or the comparison below proves little.
    expect(expected.historyRows).toBeGreaterThan(0);
    expect(expected.gapRows).toBeGreaterThan(0);
    expect(expected.compactRevision).toBeGreaterThan(0);
    expect(expected.rows).toBeLessThan(expected.sequence); // compaction removed rows

    await node.exec('k8s', [...kineSchema('v1'), ...h.takeStatements()]);
    const [live] = await node.query<{ rows: number; currentRevision: number }>('k8s', FIGURES_SQL);
    expect(live).toMatchObject({ rows: expected.rows, currentRevision: expected.currentRevision });

    const snapshot = await node.padUntilSnapshot();
    const copy = await node.copySnapshot(snapshot, scratch);
    expect((await stat(copy.metaPath)).size).toBeGreaterThan(32);
    expect(await isLz4(copy.dataPath)).toBe(true);
    expect(await lz4Test(copy.dataPath)).toBe(true);

    const extraction = await extractWithCli(copy.dataPath);
    try {
      const names = extraction.databases.map((d) => d.name);
      expect(names).toEqual(expect.arrayContaining(['demo', 'k8s', 'pad']));
      const k8s = extraction.databases.find((d) => d.name === 'k8s')!;
      expect(k8s.mainSize % 4096).toBe(0);

      expect(await sqlite(k8s.mainPath, 'PRAGMA quick_check')).toEqual([{ quick_check: 'ok' }]);
      const tables = await sqlite<{ name: string }>(
        k8s.mainPath,
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
      );
      expect(tables.map((t) => t.name)).toEqual(['kine', 'sqlite_sequence']); // no filler rows leaked in
      expect(await sqlite(k8s.mainPath, SCHEMA_SQL)).toEqual([
        { indexes: JSON.stringify(KINE_INDEXES.v1), userVersion: KINE_USER_VERSION.v1 },
      ]);
      expect(await sqlite(k8s.mainPath, ROWS_SQL)).toEqual(h.rows());
      expect(await sqlite(k8s.mainPath, FIGURES_SQL)).toEqual([expected]);

      // Values are BLOBs with the content the helpers promise.
      const kinds = await sqlite(
        k8s.mainPath,
        "SELECT typeof(value) AS type, hex(substr(value, 1, 4)) AS head FROM kine WHERE name = '/registry/pods/default/web-2' ORDER BY id DESC LIMIT 1",
      );
      expect(kinds).toEqual([{ type: 'blob', head: '6B387300' }]);
      const pad = extraction.databases.find((d) => d.name === 'pad')!;
      const [padRows] = await sqlite<{ n: number }>(pad.mainPath, 'SELECT COUNT(*) AS n FROM pad');
      expect(padRows?.n).toBeGreaterThan(0);
    } finally {
      await extraction.cleanup();
    }
  });

  it.each<KineSchemaVariant>(['legacy', 'v1', 'v65536'])(
    'schema %s and a small history match the model live',
    async (variant) => {
      const database = `k8s-${variant}`;
      const h = new KineHistory();
      h.create('/registry/a', kineValue.k8s(50));
      h.update('/registry/a', kineValue.k8s(60));
      h.delete('/registry/a');
      h.create('/registry/a', kineValue.json({ kind: 'A' }));
      h.bulkCreate('/registry/b-', 5, kineValue.random(10));
      h.gap(2);
      h.compact(h.figures().currentRevision);
      await node.exec(database, [...kineSchema(variant), ...h.takeStatements()]);

      expect(await node.query(database, SCHEMA_SQL)).toEqual([
        { indexes: JSON.stringify(KINE_INDEXES[variant]), userVersion: KINE_USER_VERSION[variant] },
      ]);
      expect(await node.query(database, ROWS_SQL)).toEqual(h.rows());
      expect(await node.query(database, FIGURES_SQL)).toEqual([h.figures()]);
    },
  );

  it('shell errors reject, query() returns named columns, unsafe statements are refused', async () => {
    await expect(
      node.exec('shell-check', [
        'CREATE TABLE t (a INTEGER, b BLOB, c TEXT)',
        'INSERT INTO nosuch VALUES (1)',
      ]),
    ).rejects.toThrow(/#2 exec: no such table: nosuch/);
    await node.exec('shell-check', ["INSERT INTO t VALUES (1, X'00ff', NULL)"]);
    expect(await node.query('shell-check', 'SELECT a, b, c, a + 1 AS "x y" FROM t')).toEqual([
      { a: 1, b: '00FF', c: null, 'x y': 2 },
    ]);
    await expect(node.exec('shell-check', ['SELECT 1\nSELECT 2'])).rejects.toThrow(/one line/);
    await expect(node.exec('shell-check', [`SELECT '${'x'.repeat(4000)}'`])).rejects.toThrow(/limit 4000/);
  });
});
