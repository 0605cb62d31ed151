// The set-based SQL the core used before its single-pass table scan (kine/table-scan.ts), kept as
// an independent reference: the scan must give exactly what these queries give.
import type { HotKey } from '../../src/kine/hot-keys.js';
import { HOT_KEYS_LIMIT } from '../../src/kine/hot-keys.js';
import { prefixOfKey, resourceOfPrefix, SPECIAL_KEY_SQL, withKeyPrefix } from '../../src/kine/key-prefix.js';
import {
  addUsage,
  emptyUsage,
  type KeyGroupUsage,
  type PrefixUsage,
  sortUsage,
  type ValueClassCounts,
} from '../../src/kine/prefixes.js';
import type { KineRevisions } from '../../src/kine/revisions.js';
import { valueClassSql } from '../../src/kine/value-sql.js';
import type { SqliteDatabase } from '../../src/sqlite/open.js';

// Bytes a row holds in its variable-length columns; octet_length counts bytes for TEXT and
// BLOB alike, where length() of TEXT counts characters and stops at a NUL.
const ROW_BYTES =
  'octet_length(k.name) + coalesce(octet_length(k.value), 0) + coalesce(octet_length(k.old_value), 0)';
const SPECIAL = "(k.name = 'compact_rev_key' OR substr(k.name, 1, 4) = 'gap-')";

const TOTALS_SQL = `
  SELECT count(*) AS rows,
         coalesce(sum(k.deleted = 0), 0) AS rowsNotDeleted,
         coalesce(sum(k.deleted <> 0 AND NOT ${SPECIAL}), 0) AS tombstones,
         coalesce(sum(substr(k.name, 1, 4) = 'gap-'), 0) AS gapRows,
         coalesce(sum(k.name = 'compact_rev_key'), 0) AS compactRevKeyRows,
         coalesce(max(k.id), 0) AS currentRevision,
         max(CASE WHEN k.name = 'compact_rev_key' THEN k.prev_revision END) AS compactRevision
  FROM kine AS k`;

// Latest row per key, then each row classified against it in one join.
const SPLIT_SQL = `
  WITH latest AS (SELECT name, max(id) AS id FROM kine GROUP BY name)
  SELECT coalesce(sum(k.id = l.id AND k.deleted = 0), 0) AS liveKeys,
         coalesce(sum(CASE WHEN k.id = l.id AND k.deleted = 0 THEN ${ROW_BYTES} END), 0) AS liveBytes,
         coalesce(sum(CASE WHEN k.id = l.id AND k.deleted = 0 THEN octet_length(k.value) END), 0) AS liveValueBytes,
         coalesce(sum(k.id = l.id AND k.deleted <> 0), 0) AS deletedKeys,
         coalesce(sum(k.id < l.id), 0) AS historyRows,
         coalesce(sum(CASE WHEN k.id < l.id THEN ${ROW_BYTES} END), 0) AS historyBytes
  FROM kine AS k JOIN latest AS l ON l.name = k.name
  WHERE NOT ${SPECIAL}`;

/** Measure the kine table with two set-based queries. */
export function readKineRevisions(db: SqliteDatabase): KineRevisions {
  const totals = db.prepare(TOTALS_SQL).get() as Omit<
    KineRevisions,
    | 'liveKeys'
    | 'liveBytes'
    | 'liveValueBytes'
    | 'deletedKeys'
    | 'historyRows'
    | 'historyBytes'
    | 'revisionsSinceCompaction'
    | 'sequence'
  >;
  const split = db.prepare(SPLIT_SQL).get() as Pick<
    KineRevisions,
    'liveKeys' | 'liveBytes' | 'liveValueBytes' | 'deletedKeys' | 'historyRows' | 'historyBytes'
  >;
  const sequence = readSequence(db);
  return {
    ...totals,
    ...split,
    revisionsSinceCompaction: totals.currentRevision - (totals.compactRevision ?? 0),
    sequence,
  };
}

function readSequence(db: SqliteDatabase): number | null {
  const hasSequence = db.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_sequence'").get();
  if (!hasSequence) return null;
  const row = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'kine'").get() as
    | { seq: number }
    | undefined;
  return row ? Number(row.seq) : null;
}

// Latest row per key (as in revisions.ts), each row classified against it; values are classified
// only for live latest rows, so history values are never read.
const ROWS_SQL = `
  SELECT k.name AS name, k.deleted AS deleted, (k.id = l.id) AS isLatest,
         length(CAST(k.name AS BLOB)) + coalesce(length(k.value), 0) + coalesce(length(k.old_value), 0) AS bytes,
         CASE WHEN k.id = l.id AND k.deleted = 0 THEN ${valueClassSql('k.value')} END AS valueClass
  FROM kine AS k JOIN latest AS l ON l.name = k.name`;

const PREFIX_SQL = `
  WITH latest AS (SELECT name, max(id) AS id FROM kine WHERE NOT ${SPECIAL_KEY_SQL} GROUP BY name),
  ${withKeyPrefix(ROWS_SQL)}
  SELECT prefix, namespace,
         count(*) AS rows,
         coalesce(sum(isLatest AND deleted = 0), 0) AS liveKeys,
         coalesce(sum(CASE WHEN isLatest AND deleted = 0 THEN bytes END), 0) AS liveBytes,
         coalesce(sum(NOT isLatest), 0) AS historyRows,
         coalesce(sum(CASE WHEN NOT isLatest THEN bytes END), 0) AS historyBytes,
         coalesce(sum(deleted <> 0), 0) AS tombstones,
         coalesce(sum(isLatest AND deleted <> 0), 0) AS deletedKeys,
         coalesce(sum(valueClass = 'protobuf'), 0) AS protobuf,
         coalesce(sum(valueClass = 'json'), 0) AS json,
         coalesce(sum(valueClass = 'encrypted'), 0) AS encrypted,
         coalesce(sum(valueClass = 'empty'), 0) AS empty,
         coalesce(sum(valueClass = 'other'), 0) AS other,
         coalesce(sum(valueClass = 'oversized'), 0) AS oversized
  FROM keyed
  GROUP BY prefix, namespace`;

interface GroupRow extends Omit<KeyGroupUsage, 'values'>, ValueClassCounts {
  prefix: string;
  namespace: string | null;
}

/**
 * Group kine rows by storage prefix (and namespace when asked): one set-based query whose result has
 * one row per resource × namespace, so memory does not grow with the number of keys.
 * Sorted by live + history bytes, largest first.
 */
export function readPrefixUsage(db: SqliteDatabase, options: { byNamespace?: boolean } = {}): PrefixUsage[] {
  const byPrefix = new Map<string, PrefixUsage>();
  for (const row of db.prepare(PREFIX_SQL).iterate() as Iterable<GroupRow>) {
    let usage = byPrefix.get(row.prefix);
    if (!usage) {
      usage = { prefix: row.prefix, ...resourceOfPrefix(row.prefix), ...emptyUsage() };
      if (options.byNamespace) usage.namespaces = [];
      byPrefix.set(row.prefix, usage);
    }
    const figures = toUsage(row);
    addUsage(usage, figures);
    if (usage.namespaces && row.namespace !== null)
      usage.namespaces.push({ namespace: row.namespace, ...figures });
  }
  return sortUsage([...byPrefix.values()]);
}

const TOP_SQL = `
  SELECT name AS key, count(*) AS revisions,
         sum(length(CAST(name AS BLOB)) + coalesce(length(value), 0) + coalesce(length(old_value), 0)) AS bytes,
         min(id) AS oldestRevision, max(id) AS latestRevision
  FROM kine WHERE NOT ${SPECIAL_KEY_SQL}
  GROUP BY name ORDER BY revisions DESC, name LIMIT ?`;
const TOTAL_SQL = `SELECT count(*) AS total FROM kine WHERE NOT ${SPECIAL_KEY_SQL}`;
const DELETED_SQL = 'SELECT deleted FROM kine WHERE id = ?';

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

function toUsage(row: GroupRow): KeyGroupUsage {
  return {
    rows: row.rows,
    liveKeys: row.liveKeys,
    liveBytes: row.liveBytes,
    historyRows: row.historyRows,
    historyBytes: row.historyBytes,
    tombstones: row.tombstones,
    deletedKeys: row.deletedKeys,
    values: {
      protobuf: row.protobuf,
      json: row.json,
      encrypted: row.encrypted,
      empty: row.empty,
      other: row.other,
      oversized: row.oversized,
    },
  };
}
