import type { SqliteDatabase } from './open.js';

/** Space used by one table or index, summed over its b-tree pages (the dbstat virtual table). */
export interface BtreeUsage {
  name: string;
  type: 'table' | 'index';
  /** The table an index belongs to (its own name for a table). */
  table: string;
  /** Entries (cells) on the b-tree's leaf pages: rows of a table, entries of an index. */
  entries: number;
  pages: number;
  leafPages: number;
  interiorPages: number;
  overflowPages: number;
  /** Bytes of record payload, as sqlite3_analyzer's "Bytes of payload". */
  payloadBytes: number;
  /** Bytes on the b-tree's pages that hold nothing, as sqlite3_analyzer's "Unused bytes on all pages". */
  unusedBytes: number;
  /** The unused bytes on leaf pages alone (what a rebuild can pack away). */
  leafUnusedBytes: number;
  /** Largest payload of one entry, as sqlite3_analyzer's "Maximum payload per entry". */
  maxPayloadBytes: number;
}

// The same sums sqlite3_analyzer (tool/spaceanal.tcl) makes over dbstat, one pass over all pages.
const USAGE_SQL = `
  SELECT s.name AS name,
         coalesce(m.type, 'table') AS type,
         coalesce(m.tbl_name, s.name) AS tbl,
         sum(CASE WHEN s.pagetype = 'leaf' THEN s.ncell ELSE 0 END) AS entries,
         count(*) AS pages,
         sum(s.pagetype = 'leaf') AS leafPages,
         sum(s.pagetype = 'internal') AS interiorPages,
         sum(s.pagetype = 'overflow') AS overflowPages,
         sum(s.payload) AS payloadBytes,
         sum(s.unused) AS unusedBytes,
         sum(CASE WHEN s.pagetype = 'leaf' THEN s.unused ELSE 0 END) AS leafUnusedBytes,
         max(s.mx_payload) AS maxPayloadBytes
  FROM dbstat AS s LEFT JOIN sqlite_schema AS m ON m.name = s.name
  GROUP BY s.name
  ORDER BY pages DESC, s.name`;

/** Per-object usage, largest first. */
export function readBtreeUsage(db: SqliteDatabase): BtreeUsage[] {
  const rows = db.prepare(USAGE_SQL).all() as Array<
    Omit<BtreeUsage, 'table' | 'type'> & { tbl: string; type: string }
  >;
  return rows.map(({ tbl, type, ...row }) => ({
    ...row,
    name: row.name,
    type: type === 'index' ? 'index' : 'table',
    table: tbl,
  }));
}
