import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { BTREE_WALK } from '../../src/sqlite/btrees.js';

// The figures against sqlite3_analyzer are checked in test/core/analyze-real-snapshot.test.ts; here
// the walk's shape: one pass without a sort, and the same sums as grouping by page type would give.
const dir = mkdtempSync(join(tmpdir(), 'dqa-btrees-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function database(): Database.Database {
  const db = new Database(join(dir, `db-${Math.random().toString(36).slice(2)}`));
  db.exec(`
    CREATE TABLE kine (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT, value BLOB);
    CREATE INDEX kine_name_index ON kine (name, id);
    CREATE TABLE other (a TEXT);`);
  const insert = db.prepare('INSERT INTO kine (name, value) VALUES (?, ?)');
  db.transaction(() => {
    for (let i = 0; i < 3000; i++)
      insert.run(`/registry/pods/ns/pod-${i % 700}`, Buffer.alloc(i % 9 === 0 ? 6000 : 300, i));
  })();
  db.exec("INSERT INTO other VALUES ('x')");
  return db;
}

describe('BTREE_WALK', () => {
  it('walks dbstat once in its own order: SQLite plans no sort (which spilled to a temp file)', () => {
    const db = database();
    for (const sql of BTREE_WALK.queries) {
      const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[];
      expect(plan.map((step) => step.detail).join('\n')).not.toMatch(/TEMP B-TREE/);
    }
    db.close();
  });

  it('sums each b-tree as grouping its pages by page type does', () => {
    const db = database();
    const usage = BTREE_WALK.parse(BTREE_WALK.queries.map((sql) => db.prepare(sql).all()));
    const reference = db
      .prepare(`SELECT name, pagetype, count(*) AS pages, sum(ncell) AS cells, sum(unused) AS unused,
                       sum(payload) AS payload, max(mx_payload) AS maxPayload
                FROM dbstat GROUP BY name, pagetype`)
      .all() as {
      name: string;
      pagetype: string;
      pages: number;
      cells: number;
      unused: number;
      payload: number;
      maxPayload: number;
    }[];
    const of = (name: string, pagetype: string) =>
      reference.find((r) => r.name === name && r.pagetype === pagetype);
    const kine = usage.find((u) => u.name === 'kine')!;
    const index = usage.find((u) => u.name === 'kine_name_index')!;
    expect(kine.leafPages).toBe(of('kine', 'leaf')!.pages);
    expect(kine.interiorPages).toBe(of('kine', 'internal')!.pages);
    expect(kine.overflowPages).toBeGreaterThan(0);
    expect(kine.overflowPages).toBe(of('kine', 'overflow')!.pages);
    expect(kine.entries).toBe(3000);
    expect(kine.leafEntries).toBe(3000);
    expect(kine.leafUnusedBytes).toBe(of('kine', 'leaf')!.unused);
    for (const u of usage) {
      const rows = reference.filter((r) => r.name === u.name);
      expect(u.pages, u.name).toBe(rows.reduce((sum, r) => sum + r.pages, 0));
      expect(u.payloadBytes, u.name).toBe(rows.reduce((sum, r) => sum + r.payload, 0));
      expect(u.unusedBytes, u.name).toBe(rows.reduce((sum, r) => sum + r.unused, 0));
      expect(u.maxPayloadBytes, u.name).toBe(Math.max(...rows.map((r) => r.maxPayload ?? 0)));
    }
    // An index keeps entries on its interior pages too: all 3,000 are counted.
    expect(index.interiorPages).toBeGreaterThan(0);
    expect(index.entries).toBe(3000);
    expect(index.leafEntries).toBe(of('kine_name_index', 'leaf')!.cells);
    expect(usage.map((u) => u.name)).toEqual(
      [...usage].sort((a, b) => b.pages - a.pages || (a.name < b.name ? -1 : 1)).map((u) => u.name),
    );
    db.close();
  });
});
