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
