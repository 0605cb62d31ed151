import type { SqliteDatabase } from '../sqlite/open.js';

/**
 * Row and revision figures of a kine table. Every row is exactly one of: a live key's latest
 * revision, a deleted key's latest revision (its tombstone), a superseded revision (history),
 * a `gap-*` filler row, or a `compact_rev_key` row — so these five counts add up to `rows`.
 */
export interface KineRevisions {
  rows: number;
  /** Rows with `deleted = 0`: every version ever written and not yet compacted (the incident's figure). */
  rowsNotDeleted: number;
  /** Delete events (`deleted = 1`), excluding gap rows and compact_rev_key. */
  tombstones: number;
  /** Keys whose latest row is not deleted, excluding `compact_rev_key` and `gap-*`. */
  liveKeys: number;
  /** Bytes of the live keys' rows: key, value and old_value. */
  liveBytes: number;
  /** Bytes of the live keys' values alone (what etcd would call the keyspace size). */
  liveValueBytes: number;
  /** Keys whose latest row is a tombstone: deleted, waiting for compaction. */
  deletedKeys: number;
  /** Superseded revisions (not the latest row of their key) not yet compacted. */
  historyRows: number;
  /** Bytes of the history rows: key, value and old_value. */
  historyBytes: number;
  /** `gap-<rev>` filler rows left by older kine watch loops. */
  gapRows: number;
  /** Rows named compact_rev_key; more than one is a known k8s-dqlite bug. */
  compactRevKeyRows: number;
  /** Highest id: the current etcd revision. */
  currentRevision: number;
  /** `prev_revision` of compact_rev_key: revisions at or below it are compacted. Null before any compaction. */
  compactRevision: number | null;
  /** currentRevision − compactRevision (or currentRevision when never compacted). */
  revisionsSinceCompaction: number;
  /** Highest id ever issued (sqlite_sequence), which can exceed currentRevision after deletes. */
  sequence: number | null;
}

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
