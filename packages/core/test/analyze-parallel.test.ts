import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../src/analyze.js';
import { SideThread } from '../src/sqlite/side-thread.js';

// A snapshot a real dqlite node wrote (examples/sample-snapshot/README.md says how).
const SAMPLE = new URL('../../../examples/sample-snapshot/', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'dqa-parallel-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function withoutRunFacts(analysis: Awaited<ReturnType<typeof analyze>>) {
  const { timings, analyzedAt, ...figures } = analysis;
  return { figures, steps: Object.keys(timings).sort() };
}

describe('page walks on a second thread', () => {
  // Six analyses of the sample: about a second when idle, more on a loaded CI machine.
  it('give the same analysis as on the main thread, with each integrity mode', {
    timeout: 60_000,
  }, async () => {
    for (const integrity of ['quick', 'full', 'none'] as const) {
      const parallel = await analyze(SAMPLE, { integrity, tempDir: work, parallel: true });
      const serial = await analyze(SAMPLE, { integrity, tempDir: work, parallel: false });
      expect(withoutRunFacts(parallel)).toEqual(withoutRunFacts(serial));
      expect(parallel.databases.find((db) => db.name === 'k8s')?.integrity?.check).toBe(
        integrity === 'none' ? undefined : integrity,
      );
      expect(parallel.timings.btrees).toBeGreaterThan(0);
    }
    expect(readdirSync(work)).toEqual([]);
  });

  it('close their connection before answering, so the kept copy has the WAL merged in', async () => {
    // The main connection checkpoints the WAL on close only when it is the last one open.
    for (let run = 0; run < 3; run++) {
      const keep = mkdtempSync(join(work, 'keep-'));
      const analysis = await analyze(SAMPLE, { tempDir: work, parallel: true, keepCopiesIn: keep });
      const kept = new Database(join(keep, 'k8s.db'), { readonly: true });
      const { rows } = kept.prepare('SELECT count(*) AS rows FROM kine').get() as { rows: number };
      kept.close();
      expect(rows).toBe(analysis.kine?.rows);
      rmSync(keep, { recursive: true });
    }
  });

  it('return rows and a SQLite error with its code, job after job, and stop cleanly', async () => {
    const path = join(work, 'side.db');
    const db = new Database(path);
    db.exec('CREATE TABLE t (v); INSERT INTO t VALUES (1), (2), (3)');
    const side = new SideThread();
    const results = await side.run(path, ['SELECT sum(v) AS total FROM t', 'SELECT count(*) AS n FROM t']);
    expect(results.map((result) => result.rows)).toEqual([[{ total: 6 }], [{ n: 3 }]]);
    await expect(
      side.run(path, ['SELECT sum(v) FROM t', 'SELECT * FROM no_such_table']),
    ).rejects.toMatchObject({
      code: 'SQLITE_ERROR',
      message: /no such table/,
    });
    // The thread outlives a failed job: the next database of a snapshot still gets its walks.
    expect((await side.run(path, ['SELECT max(v) AS top FROM t']))[0]?.rows).toEqual([{ top: 3 }]);
    await side.stop();
    await side.stop();
    await expect(side.run(path, ['SELECT 1'])).rejects.toThrow(/stopped/);
    db.close();
  });

  it('stop only once the query in progress has ended, even one that then fails', async () => {
    // Terminating the worker while a query is failing aborts the whole process (better-sqlite3:
    // FATAL ERROR v8::ToLocalChecked): stop() must wait for the job. This query runs ~0.3 s, then fails.
    const path = join(work, 'side-stop.db');
    new Database(path).close();
    const side = new SideThread();
    const slow =
      'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000000) ' +
      'SELECT sum(i) + abs(-9223372036854775807 - 1) FROM n';
    const job = side.run(path, [slow]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await side.stop();
    await expect(job).rejects.toMatchObject({ code: 'SQLITE_ERROR', message: /integer overflow/ });
  });

  it('report a corrupt page as DQA_SQLITE_CORRUPT in both modes', async () => {
    // A database whose kine table's root page is overwritten with garbage, after the header.
    const source = join(work, 'source.db');
    const db = new Database(source);
    db.exec(
      'CREATE TABLE kine (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT, created INTEGER, deleted INTEGER, ' +
        'create_revision INTEGER, prev_revision INTEGER, lease INTEGER, value BLOB, old_value BLOB)',
    );
    db.exec(
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) INSERT INTO kine (name, created, deleted, create_revision, prev_revision, lease, value, old_value) SELECT '/registry/pods/default/p' || i, 1, 0, i, 0, 0, randomblob(300), NULL FROM n",
    );
    const { rootpage, pageSize } = db
      .prepare(
        "SELECT rootpage, (SELECT page_size FROM pragma_page_size) AS pageSize FROM sqlite_schema WHERE name = 'kine'",
      )
      .get() as { rootpage: number; pageSize: number };
    db.close();
    const corrupt = join(work, 'corrupt.db');
    copyFileSync(source, corrupt);
    const { openSync, writeSync, closeSync } = await import('node:fs');
    const fd = openSync(corrupt, 'r+');
    writeSync(fd, Buffer.alloc(pageSize - 100, 0xa5), 0, pageSize - 100, (rootpage - 1) * pageSize + 100);
    closeSync(fd);
    for (const parallel of [true, false, undefined]) {
      await expect(analyze(corrupt, { tempDir: work, parallel })).rejects.toMatchObject({
        code: 'DQA_SQLITE_CORRUPT',
      });
    }
    expect(readdirSync(work).sort()).toEqual(['corrupt.db', 'side-stop.db', 'side.db', 'source.db']);
  });
});
