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
  return {
    pageSize: pragma('page_size'),
    pageCount: pragma('page_count'),
    freelistCount: pragma('freelist_count'),
    userVersion: pragma('user_version'),
    autoVacuum: pragma('auto_vacuum'),
  };
}
