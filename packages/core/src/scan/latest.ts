import type { SqliteDatabase } from '../sqlite/open.js';

/** The latest, not deleted, revision of one key. */
export interface LatestValue {
  key: string;
  /** kine id of the row: the object's resourceVersion. */
  revision: number;
  value: Uint8Array;
}

// The latest row per key within a key range, live ones only; the range uses kine's name index.
const LATEST_SQL = `
  SELECT k.name AS key, k.id AS revision, k.value AS value
  FROM kine AS k
  JOIN (SELECT name, max(id) AS id FROM kine WHERE name >= ? AND name < ? GROUP BY name) AS l ON l.id = k.id
  WHERE k.deleted = 0
  ORDER BY k.name`;

/** Keys that start with `prefix` sort between `prefix` and `prefix` with its last character bumped. */
function upperBound(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

/**
 * Stream the latest live values of every key under `prefix` (e.g. `/registry/leases/`), one row at a
 * time: only the resources the findings need are read, and never all at once.
 */
export function* iterateLatest(db: SqliteDatabase, prefix: string): Generator<LatestValue> {
  const statement = db.prepare(LATEST_SQL);
  for (const row of statement.iterate(prefix, upperBound(prefix)) as Iterable<{
    key: string;
    revision: number;
    value: Uint8Array | string | null;
  }>) {
    const value = typeof row.value === 'string' ? Buffer.from(row.value) : (row.value ?? new Uint8Array(0));
    yield { key: String(row.key), revision: row.revision, value };
  }
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
  const statement = db.prepare('SELECT id, deleted, value FROM kine WHERE name = ? ORDER BY id DESC LIMIT 1');
  return (key) => {
    const row = statement.get(key) as
      | { id: number; deleted: number; value: Uint8Array | string | null }
      | undefined;
    if (!row || Number(row.deleted) !== 0) return null;
    const value = typeof row.value === 'string' ? Buffer.from(row.value) : (row.value ?? new Uint8Array(0));
    return { key, revision: row.id, value };
  };
}
