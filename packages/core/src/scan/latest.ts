import { boundedValueSql } from '../kine/value-sql.js';
import type { SqliteDatabase } from '../sqlite/open.js';

/** The latest, not deleted, revision of one key. */
export interface LatestValue {
  key: string;
  /** kine id of the row: the object's resourceVersion. */
  revision: number;
  /** The value's bytes; null when it is longer than VALUE_READ_LIMIT, then it was never read. */
  value: Uint8Array | null;
  /** Its length in bytes (measured even when it was not read). */
  bytes: number;
}

// The latest row per key within a key range, in key order, live ones only: the ids from kine's name
// index (a covering index scan, grouped and ordered by it: no sort), then each row by its id. One
// query that joined them and sorted by name had SQLite's sorter hold every value of the range at
// once (15 MB for 5,000 webhook configurations; each IPAM block up to 700 KB), issue #12 §3.
// A value is read only up to VALUE_READ_LIMIT bytes; a longer one stays in SQLite, measured.
const LATEST_IDS_SQL = 'SELECT max(id) FROM kine WHERE name >= ? AND name < ? GROUP BY name ORDER BY name';
const ROW_SQL = `
  SELECT name AS key, id AS revision, deleted, ${boundedValueSql('value')} AS value,
         coalesce(octet_length(value), 0) AS bytes
  FROM kine WHERE id = ?`;

/** Keys that start with `prefix` sort between `prefix` and `prefix` with its last character bumped. */
function upperBound(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

/**
 * Stream the latest live values of every key under `prefix` (e.g. `/registry/leases/`), one row at a
 * time: only the resources the findings need are read, and never all at once.
 */
export function* iterateLatest(db: SqliteDatabase, prefix: string): Generator<LatestValue> {
  const ids = db.prepare(LATEST_IDS_SQL).pluck();
  const read = db.prepare(ROW_SQL);
  for (const id of ids.iterate(prefix, upperBound(prefix))) {
    const row = read.get(id) as BoundedRow;
    if (Number(row.deleted) !== 0) continue;
    yield { key: String(row.key), revision: row.revision, value: boundedValue(row), bytes: row.bytes };
  }
}

interface BoundedRow {
  key: string;
  revision: number;
  deleted: number;
  value: Uint8Array | string | null;
  bytes: number;
}

// NULL is an empty value unless its length says it was too long to read.
function boundedValue(row: Pick<BoundedRow, 'value' | 'bytes'>): Uint8Array | null {
  if (typeof row.value === 'string') return Buffer.from(row.value);
  return row.value ?? (row.bytes > 0 ? null : new Uint8Array(0));
}

/** Looks keys up: does the key exist (its latest row is not a tombstone) in this snapshot? */
export type KeyLookup = (key: string) => boolean;

/** Build a KeyLookup over kine's name index; one indexed probe per call. */
export function createKeyLookup(db: SqliteDatabase): KeyLookup {
  const statement = db.prepare('SELECT deleted FROM kine WHERE name = ? ORDER BY id DESC LIMIT 1').pluck();
  return (key) => {
    const deleted = statement.get(key);
    return deleted !== undefined && Number(deleted) === 0;
  };
}

/** How many rows a key has in the table (its retained revisions). */
export function createRevisionCounter(db: SqliteDatabase): (key: string) => number {
  const statement = db.prepare('SELECT count(*) FROM kine WHERE name = ?').pluck();
  return (key) => Number(statement.get(key));
}

/** Read the latest live value of one key; null when the key is absent or deleted. */
export function createLatestReader(db: SqliteDatabase): (key: string) => LatestValue | null {
  const statement = db.prepare(
    `SELECT id, deleted, ${boundedValueSql('value')} AS value, coalesce(octet_length(value), 0) AS bytes
     FROM kine WHERE name = ? ORDER BY id DESC LIMIT 1`,
  );
  return (key) => {
    const row = statement.get(key) as
      | { id: number; deleted: number; value: Uint8Array | string | null; bytes: number }
      | undefined;
    if (!row || Number(row.deleted) !== 0) return null;
    return { key, revision: row.id, value: boundedValue(row), bytes: row.bytes };
  };
}
