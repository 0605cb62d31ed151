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
  /**
   * History rows superseded at or below the compact revision. k8s-dqlite removes a superseded row at
   * the pass that reaches the revision superseding it (docs/formats.md §3.3), so compaction has passed
   * these and should have removed them; the rest of historyRows waits for passes still to come.
   */
  historyRowsPassed: number;
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
