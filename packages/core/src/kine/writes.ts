import type { SqliteDatabase } from '../sqlite/open.js';
import { prefixOfKey, resourceOfPrefix, SPECIAL_KEY_SQL, withKeyPrefix } from './key-prefix.js';

/** Revisions of one key written after a given revision and still in the table. */
export interface KeyWrites {
  key: string;
  prefix: string;
  resource: string;
  revisions: number;
  /** Key, value and old_value bytes of those rows. */
  bytes: number;
  /** revisions per minute over the compared interval; null when the interval is unknown. */
  perMinute: number | null;
}

/** The same per storage prefix. */
export interface PrefixWrites {
  prefix: string;
  group: string | null;
  resource: string;
  revisions: number;
  bytes: number;
  /** Distinct keys written. */
  keys: number;
  perMinute: number | null;
}

/** Rows written after a revision, per key (top ones) and per prefix (all), most first. */
export interface WritesSince {
  sinceRevision: number;
  /** Rows with id > sinceRevision, kine's bookkeeping rows excluded. */
  rows: number;
  keys: KeyWrites[];
  prefixes: PrefixWrites[];
}

const BYTES = 'length(CAST(name AS BLOB)) + coalesce(length(value), 0) + coalesce(length(old_value), 0)';
// id is the revision and the INTEGER PRIMARY KEY, so `id > ?` is a range scan of the newest rows only.
const ROWS_SQL = `SELECT name, ${BYTES} AS bytes FROM kine WHERE id > ? AND NOT ${SPECIAL_KEY_SQL}`;
const KEYS_SQL = `
  SELECT name AS key, count(*) AS revisions, sum(bytes) AS bytes FROM (${ROWS_SQL})
  GROUP BY name ORDER BY revisions DESC, name LIMIT ?`;
const PREFIXES_SQL = `
  WITH ${withKeyPrefix(ROWS_SQL)}
  SELECT prefix, count(*) AS revisions, sum(bytes) AS bytes, count(DISTINCT name) AS keys
  FROM keyed GROUP BY prefix ORDER BY revisions DESC, prefix`;
const TOTAL_SQL = `SELECT count(*) FROM kine WHERE id > ? AND NOT ${SPECIAL_KEY_SQL}`;

/** Count what was written after `sinceRevision` (the older snapshot's current revision). */
export function readWritesSince(db: SqliteDatabase, sinceRevision: number, keyLimit = 50): WritesSince {
  const rows = Number(db.prepare(TOTAL_SQL).pluck().get(sinceRevision));
  const keys = (
    db.prepare(KEYS_SQL).all(sinceRevision, keyLimit) as { key: string; revisions: number; bytes: number }[]
  ).map((row) => {
    const prefix = prefixOfKey(String(row.key));
    return {
      key: String(row.key),
      prefix,
      resource: resourceOfPrefix(prefix).resource,
      revisions: row.revisions,
      bytes: row.bytes,
      perMinute: null,
    };
  });
  const prefixes = (
    db.prepare(PREFIXES_SQL).all(sinceRevision) as {
      prefix: string;
      revisions: number;
      bytes: number;
      keys: number;
    }[]
  ).map((row) => ({ ...row, ...resourceOfPrefix(row.prefix), perMinute: null }));
  return { sinceRevision, rows, keys, prefixes };
}
