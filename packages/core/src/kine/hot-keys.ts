import type { SqliteDatabase } from '../sqlite/open.js';
import { prefixOfKey, resourceOfPrefix, SPECIAL_KEY_SQL } from './key-prefix.js';

/** A key with many revisions in the retained (not yet compacted) history. */
export interface HotKey {
  key: string;
  prefix: string;
  resource: string;
  /** Rows of this key still in the table: its latest revision plus superseded ones and tombstones. */
  revisions: number;
  /** revisions / all retained rows of all keys (kine's bookkeeping rows excluded), 0–1. */
  share: number;
  /** Key, value and old_value bytes of those rows. */
  bytes: number;
  /** Oldest and newest revision (kine id) retained for the key. */
  oldestRevision: number;
  latestRevision: number;
  /** True when the key's latest row is a tombstone. */
  deleted: boolean;
}

/** How many hot keys an analysis lists by default. */
export const HOT_KEYS_LIMIT = 20;

const TOP_SQL = `
  SELECT name AS key, count(*) AS revisions,
         sum(length(CAST(name AS BLOB)) + coalesce(length(value), 0) + coalesce(length(old_value), 0)) AS bytes,
         min(id) AS oldestRevision, max(id) AS latestRevision
  FROM kine WHERE NOT ${SPECIAL_KEY_SQL}
  GROUP BY name ORDER BY revisions DESC, name LIMIT ?`;
const TOTAL_SQL = `SELECT count(*) AS total FROM kine WHERE NOT ${SPECIAL_KEY_SQL}`;
const DELETED_SQL = 'SELECT deleted FROM kine WHERE id = ?';

/** The SQL behind readHotKeys, for evidence an operator can re-run in sqlite3 (bind the limit). */
export const HOT_KEYS_SQL = TOP_SQL;

/** The `limit` keys with the most retained revisions, most first (ties by key name). */
export function readHotKeys(db: SqliteDatabase, limit = HOT_KEYS_LIMIT): HotKey[] {
  const { total } = db.prepare(TOTAL_SQL).get() as { total: number };
  const deleted = db.prepare(DELETED_SQL).pluck();
  const rows = db.prepare(TOP_SQL).all(limit) as Omit<HotKey, 'prefix' | 'resource' | 'share' | 'deleted'>[];
  return rows.map((row) => {
    const prefix = prefixOfKey(row.key);
    return {
      key: String(row.key),
      prefix,
      resource: resourceOfPrefix(prefix).resource,
      revisions: row.revisions,
      share: total > 0 ? row.revisions / total : 0,
      bytes: row.bytes,
      oldestRevision: row.oldestRevision,
      latestRevision: row.latestRevision,
      deleted: Number(deleted.get(row.latestRevision)) !== 0,
    };
  });
}
