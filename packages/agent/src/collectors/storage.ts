import { Gauge, type Registry } from 'prom-client';
import type { AgentParts, Collector } from './types.js';

const DB_FILE = 'dqlite_db_size_bytes';
const DB_IN_USE = 'dqlite_db_size_in_use_bytes';
const DB_FREE = 'dqlite_db_free_bytes';
const DB_WAL = 'dqlite_db_wal_bytes';
const DB_PAGES = 'dqlite_db_pages';
const DB_FREE_PAGES = 'dqlite_db_free_pages';
const DB_PAGE_SIZE = 'dqlite_db_page_size_bytes';
const DB_VACUUMED = 'dqlite_db_vacuumed_estimate_bytes';

export const metricNames = [
  DB_FILE,
  DB_IN_USE,
  DB_FREE,
  DB_WAL,
  DB_PAGES,
  DB_FREE_PAGES,
  DB_PAGE_SIZE,
  DB_VACUUMED,
];

// Every figure is from the newest analysed snapshot: analysis is too slow for the scrape path.
const CACHED = '(cached: from the newest analysed snapshot)';

/**
 * Per-database storage figures. dqlite's own Status reports only the in-use size; both sizes are
 * exported so the etcd-style fragmentation ratio (in_use / size) can be computed.
 */
export function createStorageCollector(registry: Registry, sources: AgentParts): Collector {
  const registers = [registry];
  const labelNames = ['database'] as const;
  const make = (name: string, help: string) =>
    new Gauge({ name, help: `${help} ${CACHED}`, labelNames, registers });
  const file = make(
    DB_FILE,
    'Database size as page_count x page_size: what dqlite serialises into each snapshot.',
  );
  const inUse = make(DB_IN_USE, 'Database bytes in use: (page_count - freelist_count) x page_size.');
  const free = make(DB_FREE, 'Bytes of free pages inside the database file (reclaimable by VACUUM).');
  const wal = make(DB_WAL, 'WAL bytes stored in the snapshot payload (0 for dqlite 1.17 and later).');
  const pages = make(DB_PAGES, 'Pages in the database (PRAGMA page_count).');
  const freePages = make(DB_FREE_PAGES, 'Free pages in the database (PRAGMA freelist_count).');
  const pageSize = make(DB_PAGE_SIZE, 'Page size of the database.');
  const vacuumed = make(DB_VACUUMED, 'Estimated database size after VACUUM, from the b-tree figures.');
  const all = [file, inUse, free, wal, pages, freePages, pageSize, vacuumed];
  let shown: unknown;
  return {
    name: 'storage',
    update() {
      const analysis = sources.runner.latest;
      if (!analysis || analysis === shown) return;
      shown = analysis;
      // Databases can disappear between snapshots: start from empty so no stale series stays.
      for (const gauge of all) gauge.reset();
      for (const db of analysis.databases) {
        const labels = { database: db.name };
        file.set(labels, db.fileBytes);
        inUse.set(labels, db.fileBytes - db.freeBytes);
        free.set(labels, db.freeBytes);
        wal.set(labels, db.walBytes);
        pages.set(labels, db.pageCount);
        freePages.set(labels, db.freelistCount);
        pageSize.set(labels, db.pageSize);
        vacuumed.set(labels, db.vacuumedBytes ?? db.estimatedVacuumedBytes);
      }
    },
  };
}
