// Free pages on a real node: large kine rows written and then deleted leave a file that is mostly
// free pages (k8s-dqlite never VACUUMs), the incident's 225 MB file with 21.8 MB of live rows.

export interface FreePagesOptions {
  /** Rows are inserted this many at a time (one statement each). */
  chunks?: number;
  rowsPerChunk?: number;
  rowBytes?: number;
  /** Key prefix of the rows (they are deleted again). */
  prefix?: string;
}

/**
 * Statements that grow the kine table by chunks × rowsPerChunk × rowBytes and free it again (default
 * 112 MB, past the fragmentation rule's 100 MiB). Zero-filled values: large in the database, next
 * to nothing in the LZ4 snapshot. One row per delete statement: dqlite 1.11 answered "disk I/O
 * error" to an 8 MB delete in one transaction.
 */
export function freePageStatements(options: FreePagesOptions = {}): string[] {
  const {
    chunks = 14,
    rowsPerChunk = 8,
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
  return [...inserts, ...deletes];
}
