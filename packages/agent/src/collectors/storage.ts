import type { Analysis, DatabaseAnalysis } from '@dqlite-analyzer/core';
import type { Registry } from 'prom-client';
import { cachedAnalysisCollector, Gauges } from './gauges.js';
import type { AgentParts, Collector } from './types.js';

// Every figure is from the newest analysed snapshot: analysis is too slow for the scrape path.
const CACHED = '(cached: from the newest analysed snapshot)';

/**
 * Per-database storage figures. dqlite's own Status reports only the in-use size; both sizes are
 * exported so the etcd-style fragmentation ratio (in_use / size) can be computed. Databases can
 * disappear between snapshots: each gauge holds the newest analysis's databases only.
 */
export function createStorageCollector(registry: Registry, sources: AgentParts): Collector {
  const gauges = new Gauges<Analysis>(registry);
  const perDatabase = (name: string, help: string, read: (db: DatabaseAnalysis) => number) =>
    gauges.labelled(name, `${help} ${CACHED}`, ['database'], (analysis) =>
      analysis.databases.map((db) => [{ database: db.name }, read(db)]),
    );
  perDatabase(
    'dqlite_db_size_bytes',
    'Database size as page_count x page_size: what dqlite serialises into each snapshot.',
    (db) => db.fileBytes,
  );
  perDatabase(
    'dqlite_db_size_in_use_bytes',
    'Database bytes in use: (page_count - freelist_count) x page_size.',
    (db) => db.fileBytes - db.freeBytes,
  );
  perDatabase(
    'dqlite_db_free_bytes',
    'Bytes of free pages inside the database file (reclaimable by VACUUM).',
    (db) => db.freeBytes,
  );
  perDatabase(
    'dqlite_db_wal_bytes',
    'WAL bytes stored in the snapshot payload (0 for dqlite 1.17 and later).',
    (db) => db.walBytes,
  );
  perDatabase('dqlite_db_pages', 'Pages in the database (PRAGMA page_count).', (db) => db.pageCount);
  perDatabase(
    'dqlite_db_free_pages',
    'Free pages in the database (PRAGMA freelist_count).',
    (db) => db.freelistCount,
  );
  perDatabase('dqlite_db_page_size_bytes', 'Page size of the database.', (db) => db.pageSize);
  perDatabase(
    'dqlite_db_vacuumed_estimate_bytes',
    'Estimated database size after VACUUM, from the b-tree figures.',
    (db) => db.vacuumedBytes ?? db.estimatedVacuumedBytes,
  );
  return cachedAnalysisCollector('storage', sources, gauges);
}
