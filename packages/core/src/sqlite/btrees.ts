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
// pages: one row per b-tree and page type. The names' types come from sqlite_schema afterwards;
// joining it per dbstat row cost 10-25% of the pass (0.39-0.54 s vs 0.34-0.40 s at 378 MB).
const BTREE_USAGE_SQL = `
  SELECT name, pagetype, count(*) AS pages, sum(ncell) AS cells, sum(payload) AS payload,
         sum(unused) AS unused, max(mx_payload) AS maxPayload
  FROM dbstat
  GROUP BY name, pagetype`;
const BTREE_SCHEMA_SQL = 'SELECT name, type, tbl_name AS tbl FROM sqlite_schema';

interface SchemaRow {
  name: string;
  type: string;
  tbl: string;
}

interface PageTypeRow {
  name: string;
  pagetype: 'internal' | 'leaf' | 'overflow' | null;
  pages: number;
  cells: number;
  payload: number;
  unused: number;
  maxPayload: number | null;
}

/** The dbstat walk: its two queries, and per-object usage (largest first) from their rows. */
export const BTREE_WALK: PageWalk<BtreeUsage[]> = {
  queries: [BTREE_SCHEMA_SQL, BTREE_USAGE_SQL],
  parse: ([schemaRows, usageRows]) => btreeUsageFromRows(schemaRows ?? [], usageRows ?? []),
};

function btreeUsageFromRows(schemaRows: readonly unknown[], usageRows: readonly unknown[]): BtreeUsage[] {
  const schema = new Map((schemaRows as SchemaRow[]).map((row) => [row.name, row]));
  const usage = new Map<string, BtreeUsage>();
  for (const row of usageRows as PageTypeRow[]) {
    let object = usage.get(row.name);
    if (!object) {
      const entry = schema.get(row.name);
      object = {
        name: row.name,
        type: entry?.type === 'index' ? 'index' : 'table',
        table: entry?.tbl ?? row.name,
        entries: 0,
        leafEntries: 0,
        pages: 0,
        leafPages: 0,
        interiorPages: 0,
        overflowPages: 0,
        payloadBytes: 0,
        unusedBytes: 0,
        leafUnusedBytes: 0,
        maxPayloadBytes: 0,
      };
      usage.set(row.name, object);
    }
    object.pages += row.pages;
    object.payloadBytes += row.payload;
    object.unusedBytes += row.unused;
    object.maxPayloadBytes = Math.max(object.maxPayloadBytes, row.maxPayload ?? 0);
    if (row.pagetype === 'leaf') {
      object.leafEntries += row.cells;
      object.leafPages += row.pages;
      object.leafUnusedBytes += row.unused;
    } else if (row.pagetype === 'internal') object.interiorPages += row.pages;
    else if (row.pagetype === 'overflow') object.overflowPages += row.pages;
    // A table's interior cells are rowid dividers, an index's are entries.
    if (row.pagetype === 'leaf' || (row.pagetype === 'internal' && object.type === 'index')) {
      object.entries += row.cells;
    }
  }
  // ORDER BY pages DESC, name (SQLite compares names byte by byte).
  return [...usage.values()].sort(
    (a, b) => b.pages - a.pages || Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)),
  );
}
