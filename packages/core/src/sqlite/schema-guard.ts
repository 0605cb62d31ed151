import { AnalyzerError } from '../errors.js';
import type { SqliteDatabase } from './open.js';

// The tables our queries name (kine/*, scan/*, kine-analysis.ts): each must be a plain b-tree table.
// SQLite resolves a name in FROM to a view or a virtual table just as well, and then runs SQL or a
// module stored in the file: a `kine` VIEW over an endless recursive CTE spins the scan forever.
const READ_TABLES = ['kine', 'sqlite_sequence'];

interface SchemaRow {
  type: string;
  name: string;
  sql: string | null;
}

/**
 * Refuse a database whose schema would make our read-only queries run SQL stored in the file.
 * Called on a fresh connection before any query that touches a user table; it reads only
 * sqlite_schema (a plain table: parsing the schema compiles nothing of it) and PRAGMA table_xinfo.
 *
 * - `kine` and `sqlite_sequence` must be `type = 'table'` and not virtual (sqlite.org/lang_createview.html:
 *   a view runs its SELECT when read; a virtual table runs its module's code).
 * - no virtual table anywhere: the integrity check calls each module's xIntegrity on the file's data.
 * - no generated column anywhere: quick_check computes every NOT NULL virtual column of every row
 *   (measured: 160 ms a row for `printf('%.*c', 100000000, 'x')`), and one calling a function the file
 *   names but we do not have fails only when read. Neither kine nor k8s-dqlite creates any.
 *
 * Triggers, CHECK constraints, defaults and views under other names stay allowed: they run only on
 * writes (we never write to the copy) or when named (we never name them); openCopy() turns off
 * the rest (trusted_schema, CHECK evaluation by the integrity check).
 */
export function checkSchemaIsSafe(db: SqliteDatabase, label: string): void {
  const rows = db.prepare('SELECT type, name, sql FROM sqlite_schema').all() as SchemaRow[];
  for (const row of rows) {
    const read = READ_TABLES.includes(row.name.toLowerCase());
    const isVirtual = row.type === 'table' && /^\s*create\s+virtual\b/i.test(withoutComments(row.sql ?? ''));
    if (isVirtual) refuse(label, `"${shortName(row.name)}" is a virtual table`, row.name);
    if (read && row.type !== 'table')
      refuse(label, `"${shortName(row.name)}" is a ${row.type}, not a table`, row.name);
  }
  for (const row of rows) {
    if (row.type !== 'table') continue;
    const generated = (
      db.pragma(`table_xinfo(${quoteIdentifier(row.name)})`) as Array<{ name: string; hidden: number }>
    )
      // hidden: 2 = VIRTUAL generated, 3 = STORED generated (sqlite.org/pragma.html#pragma_table_xinfo).
      .filter((column) => column.hidden === 2 || column.hidden === 3)
      .map((column) => column.name);
    if (generated.length > 0) {
      refuse(
        label,
        `table "${shortName(row.name)}" has generated columns (${generated.slice(0, 3).map(shortName).join(', ')})`,
        row.name,
      );
    }
  }
}

function refuse(label: string, problem: string, object: string): never {
  throw new AnalyzerError(
    'DQA_SQLITE_UNSAFE_SCHEMA',
    `${label}: ${problem}; kine and k8s-dqlite never create one, so this file was crafted or is not kine's: not analysed`,
    { database: label, object },
  );
}

// SQLite accepts comments anywhere between tokens, also in a schema entry written by hand.
function withoutComments(sql: string): string {
  return sql.replace(/\/\*[\s\S]*?(?:\*\/|$)|--[^\n]*/g, ' ');
}

// Names come from the file: bounded in the one-line message (the details keep the whole name).
function shortName(name: string): string {
  return name.length > 80 ? `${name.slice(0, 80)}…` : name;
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
