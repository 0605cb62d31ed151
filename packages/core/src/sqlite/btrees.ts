import type { PageWalk } from './page-walk.js';

/** Space used by one table or index, summed over its b-tree pages (the dbstat virtual table). */
export interface BtreeUsage {
  name: string;
  type: 'table' | 'index';
  /** The table an index belongs to (its own name for a table). */
  table: string;
  /**
   * sqlite3_analyzer's "Number of entries": the rows of a table (its leaf cells), every entry of an
   * index. An index b-tree keeps entries on its interior pages too (each once, not as a copy of a
   * leaf's, https://www.sqlite.org/fileformat.html#b_tree_pages), so its leaf cells alone fall short
   * of the table's rows by about its leaf page count.
   */
  entries: number;
  /** Cells on the leaf pages alone (what packs into the leaves a VACUUM writes). */
  leafEntries: number;
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

// The same sums sqlite3_analyzer (tool/spaceanal.tcl) makes over dbstat, in one pass over all
// pages: one row per b-tree, each page type's share picked out by FILTER. Grouped by name alone,
// which dbstat returns in order and tells SQLite so (statBestIndex sets orderByConsumed,
// sqlite/sqlite:src/dbstat.c; the plan's "INDEX 8", btrees.test.ts), so SQLite sorts nothing. Grouped
// by name and page type it sorted every page's row, which spilled to a temp file in /var/tmp,
// outside the private directory (0.39 -> 0.27 s at 377 MB in the sqlite3 CLI, ~5% in better-sqlite3:
// bench/RESULTS.md, sixth pass). The names' types come from sqlite_schema afterwards; joining it per
// dbstat row cost 10-25% of the pass.
const BTREE_USAGE_SQL = `
  SELECT name, count(*) AS pages, sum(payload) AS payload, sum(unused) AS unused,
         max(mx_payload) AS maxPayload,
         count(*) FILTER (WHERE pagetype = 'leaf') AS leafPages,
         sum(ncell) FILTER (WHERE pagetype = 'leaf') AS leafCells,
         sum(unused) FILTER (WHERE pagetype = 'leaf') AS leafUnused,
         count(*) FILTER (WHERE pagetype = 'internal') AS interiorPages,
         sum(ncell) FILTER (WHERE pagetype = 'internal') AS interiorCells,
         count(*) FILTER (WHERE pagetype = 'overflow') AS overflowPages
  FROM dbstat
  GROUP BY name`;
const BTREE_SCHEMA_SQL = 'SELECT name, type, tbl_name AS tbl FROM sqlite_schema';

interface SchemaRow {
  name: string;
  type: string;
  tbl: string;
}

/** One b-tree's row of BTREE_USAGE_SQL; a sum over no page is NULL. */
interface UsageRow {
  name: string;
  pages: number;
  payload: number | null;
  unused: number | null;
  maxPayload: number | null;
  leafPages: number;
  leafCells: number | null;
  leafUnused: number | null;
  interiorPages: number;
  interiorCells: number | null;
  overflowPages: number;
}

/** The dbstat walk: its two queries, and per-object usage (largest first) from their rows. */
export const BTREE_WALK: PageWalk<BtreeUsage[]> = {
  queries: [BTREE_SCHEMA_SQL, BTREE_USAGE_SQL],
  parse: ([schemaRows, usageRows]) => btreeUsageFromRows(schemaRows ?? [], usageRows ?? []),
};

function btreeUsageFromRows(schemaRows: readonly unknown[], usageRows: readonly unknown[]): BtreeUsage[] {
  const schema = new Map((schemaRows as SchemaRow[]).map((row) => [row.name, row]));
  const usage = (usageRows as UsageRow[]).map((row): BtreeUsage => {
    const entry = schema.get(row.name);
    const type = entry?.type === 'index' ? 'index' : 'table';
    const leafEntries = row.leafCells ?? 0;
    return {
      name: row.name,
      type,
      table: entry?.tbl ?? row.name,
      // A table's interior cells are rowid dividers, an index's are entries.
      entries: leafEntries + (type === 'index' ? (row.interiorCells ?? 0) : 0),
      leafEntries,
      pages: row.pages,
      leafPages: row.leafPages,
      interiorPages: row.interiorPages,
      overflowPages: row.overflowPages,
      payloadBytes: row.payload ?? 0,
      unusedBytes: row.unused ?? 0,
      leafUnusedBytes: row.leafUnused ?? 0,
      maxPayloadBytes: row.maxPayload ?? 0,
    };
  });
  // ORDER BY pages DESC, name (SQLite compares names byte by byte).
  return usage.sort((a, b) => b.pages - a.pages || Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
}
