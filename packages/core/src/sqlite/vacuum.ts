import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { BtreeUsage } from './btrees.js';
import type { SqliteDatabase } from './open.js';

/** Exact size after VACUUM: `VACUUM INTO` a file in the private directory and measure it. */
export function vacuumedBytes(db: SqliteDatabase, dir: string, label: string): number {
  const target = join(dir, `${label}.vacuumed`);
  // VACUUM INTO reads the source only; the target must not exist yet.
  db.prepare('VACUUM INTO ?').run(target);
  return statSync(target).size;
}

// Leaf page header size (b-tree page format, https://www.sqlite.org/fileformat.html#b_tree_pages).
const LEAF_HEADER_BYTES = 8;
// Largest payload within this factor of the mean: treat the cells as all one size.
const UNIFORM_SPREAD = 1.25;

/**
 * Estimate the size after VACUUM from the b-tree figures alone. VACUUM copies every b-tree in
 * key order with SQLite's bulk-load balancing, which packs leaf pages as full as whole cells
 * allow: a cell never splits across leaves, so the number of cells per page is what counts.
 * Overflow chains are copied as they are; interior pages shrink with the leaves they index.
 * `pagesInUse` (page count less the freelist) caps it: VACUUM keeps no free page and packs each
 * b-tree at least as full as inserts leave it. Without the cap, the half-a-cell allowance for
 * mixed cell sizes put an already-VACUUMed file's estimate above the file itself.
 */
export function estimateVacuumedBytes(objects: BtreeUsage[], pageSize: number, pagesInUse: number): number {
  let pages = 0;
  for (const object of objects) {
    const leafCellBytes = object.leafPages * (pageSize - LEAF_HEADER_BYTES) - object.leafUnusedBytes;
    if (object.leafEntries === 0 || object.leafPages === 0) {
      pages += 1; // an empty b-tree keeps its root page
      continue;
    }
    const usable = pageSize - LEAF_HEADER_BYTES;
    const cellBytes = leafCellBytes / object.leafEntries; // includes each cell's 2-byte pointer
    // Cells of one size fill floor(usable / size) a page; mixed sizes leave about half a cell free.
    const uniform = object.maxPayloadBytes <= UNIFORM_SPREAD * (object.payloadBytes / object.leafEntries);
    const leaves = uniform
      ? Math.ceil(object.leafEntries / Math.max(1, Math.floor(usable / cellBytes)))
      : Math.ceil(leafCellBytes / Math.max(cellBytes, usable - cellBytes / 2));
    const interior = leaves > 1 ? Math.ceil((object.interiorPages * leaves) / object.leafPages) : 0;
    pages += leaves + interior + object.overflowPages;
  }
  return Math.max(1, Math.min(pages, pagesInUse)) * pageSize;
}
