import type { SqliteDatabase } from './open.js';

/** Whole-file figures from SQLite's own header accounting. */
export interface PageFigures {
  pageSize: number;
  /** Pages in the database (after the WAL is applied), as `PRAGMA page_count`. */
  pageCount: number;
  /** Pages on the freelist, as `PRAGMA freelist_count`. */
  freelistCount: number;
  /** `PRAGMA user_version`: k8s-dqlite's schema version (0, 1 or 65536). */
  userVersion: number;
  autoVacuum: number;
}

/** Read the page figures of an open database. */
export function readPageFigures(db: SqliteDatabase): PageFigures {
  const pragma = (name: string) => Number(db.pragma(name, { simple: true }));
  const pageCount = pragma('page_count');
  return {
    pageSize: pragma('page_size'),
    pageCount,
    // SQLite returns the header's u32 as a signed int (0xFFFFFFFF is -1). A count above page_count
    // is damage, which quick_check reports; the figure is kept within what the file can hold.
    freelistCount: Math.min(pragma('freelist_count') >>> 0, pageCount),
    userVersion: pragma('user_version'),
    autoVacuum: pragma('auto_vacuum'),
  };
}
