// A kine SQLite file whose schema would make our read-only queries run SQL stored in the file is
// refused before any such query; the harmless shapes (triggers, CHECKs, views under other names)
// are analysed. The files are written by the sqlite3 CLI, sqlite_schema edited by hand where the
// CLI itself would refuse the statement.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze.js';

const scratch = mkdtempSync(join(tmpdir(), 'dqa-schema-guard-'));
const temp = join(scratch, 'temp');
execFileSync('mkdir', [temp]);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const KINE =
  'CREATE TABLE kine (id INTEGER PRIMARY KEY AUTOINCREMENT, name INTEGER, created INTEGER, deleted INTEGER, ' +
  'create_revision INTEGER, prev_revision INTEGER, lease INTEGER, value BLOB, old_value BLOB); ' +
  "INSERT INTO kine (name, created, deleted, create_revision, prev_revision, lease, value, old_value) VALUES ('/registry/a', 1, 0, 0, 0, 0, x'00', x'');";
const KINE_COLUMNS = 'id, name, created, deleted, create_revision, prev_revision, lease, value, old_value';
const ENDLESS = 'WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT x FROM r';

let count = 0;
function database(sql: string): string {
  const path = join(scratch, `db${count++}.db`);
  execFileSync('sqlite3', [path, sql]);
  return path;
}

async function outcome(path: string): Promise<string> {
  try {
    const analysis = await analyze(path, { tempDir: temp });
    return `rows ${analysis.kine?.rows}`;
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  } finally {
    expect(readdirSync(temp)).toEqual([]);
  }
}

describe('a schema that would run SQL from the file', () => {
  it.each([
    [
      'kine a view over an endless CTE',
      `CREATE VIEW kine (${KINE_COLUMNS}) AS SELECT x, x, x, x, x, x, x, x, x FROM (${ENDLESS});`,
    ],
    [
      'KINE, in capitals, a view',
      `CREATE VIEW KINE (${KINE_COLUMNS}) AS SELECT x, x, x, x, x, x, x, x, x FROM (${ENDLESS});`,
    ],
    ['kine a virtual table', `CREATE VIRTUAL TABLE kine USING fts5(${KINE_COLUMNS});`],
    [
      'a virtual table elsewhere, a comment between CREATE and VIRTUAL',
      `${KINE} CREATE VIRTUAL TABLE notes USING fts5(body); PRAGMA writable_schema = ON; ` +
        "UPDATE sqlite_schema SET sql = 'CREATE /* x */ VIRTUAL TABLE notes USING fts5(body)' WHERE name = 'notes';",
    ],
    [
      'a stored generated column in another table',
      `${KINE} CREATE TABLE other (a INTEGER, b INTEGER AS (a * 2) STORED);`,
    ],
  ])('%s: DQA_SQLITE_UNSAFE_SCHEMA', async (_, sql) => {
    expect(await outcome(database(sql))).toBe('DQA_SQLITE_UNSAFE_SCHEMA');
  });

  it('sqlite_sequence a view: SQLite itself refuses the schema (names sqlite_* are its own)', async () => {
    const sql =
      `${KINE} PRAGMA writable_schema = ON; ` +
      "UPDATE sqlite_schema SET type = 'view', sql = 'CREATE VIEW sqlite_sequence(name, seq) AS " +
      `SELECT ''kine'', x FROM (${ENDLESS.replaceAll("'", "''")})' WHERE name = 'sqlite_sequence';`;
    expect(await outcome(database(sql))).toBe('DQA_SQLITE_CORRUPT');
  });
});

describe('schema objects our reads never run', () => {
  it.each([
    ['a view under another name, over an endless CTE', `${KINE} CREATE VIEW spin AS ${ENDLESS};`],
    ['a trigger on kine', `${KINE} CREATE TRIGGER t AFTER INSERT ON kine BEGIN SELECT 1; END;`],
    [
      // quick_check evaluates CHECK constraints unless ignore_check_constraints is on (open.ts):
      // 200 rows at ~160 ms each. The CHECK is written in after the rows, which it would slow too.
      'a CHECK constraint that builds a 100 MB string per row',
      `${KINE} CREATE TABLE checked (a INTEGER CHECK (a > 0)); ` +
        'INSERT INTO checked WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r LIMIT 200) SELECT x FROM r; ' +
        'PRAGMA writable_schema = ON; ' +
        "UPDATE sqlite_schema SET sql = replace(sql, 'a > 0', 'length(printf(''%.*c'', 100000000, ''x'')) > 0') WHERE name = 'checked';",
    ],
  ])('%s: analysed', async (_, sql) => {
    const started = performance.now();
    expect(await outcome(database(sql))).toBe('rows 1');
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});
