// Free pages on a real node: large kine rows written and then deleted leave a file that is mostly
// free pages (k8s-dqlite never VACUUMs), the incident's 225 MB file with 21.8 MB of live rows.
import type { KineHistory } from './kine.js';

export interface FreePagesOptions {
  /** Rows are inserted this many at a time (one statement each). */
  chunks?: number;
  rowsPerChunk?: number;
  rowBytes?: number;
  /** Key prefix of the rows (they are deleted again). */
  prefix?: string;
}

/**
 * Write into `h` the statements that grow the kine table by chunks × rowsPerChunk × rowBytes and
 * free it again (default 112 MB, past the fragmentation rule's 100 MiB); the model skips their ids.
 * Zero-filled values: large in the database, next to nothing in the LZ4 snapshot. 2 MB a statement
 * by default: Debian's dqlite answered "disk I/O error" to 8 MB inserts into a database that had
 * been snapshotted, and dqlite 1.11 to an 8 MB delete in one transaction, so one row per delete.
 */
export function writeFreePages(h: KineHistory, options: FreePagesOptions = {}): void {
  const {
    chunks = 56,
    rowsPerChunk = 2,
    rowBytes = 1_000_000,
    prefix = '/registry/configmaps/big/cm-',
  } = options;
  const inserts = Array.from(
    { length: chunks },
    (_, c) =>
      `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${rowsPerChunk}) ` +
      'INSERT INTO kine(name, created, deleted, create_revision, prev_revision, lease, value, old_value) ' +
      `SELECT '${prefix}${c}-' || i, 1, 0, 0, 0, 0, zeroblob(${rowBytes}), NULL FROM s`,
  );
  const deletes = Array.from(
    { length: chunks * rowsPerChunk },
    (_, n) =>
      `DELETE FROM kine WHERE name = '${prefix}${Math.floor(n / rowsPerChunk)}-${(n % rowsPerChunk) + 1}'`,
  );
  h.external([...inserts, ...deletes], chunks * rowsPerChunk);
}
