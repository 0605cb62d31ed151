import type { DatabaseAnalysis } from './analysis-types.js';
import type { ExtractedDatabase } from './fsm/extract.js';
import { ensureFreeSpace } from './io/temp-dir.js';
import { detectKineSchema, listTables } from './kine/schema.js';
import { analyzeKine, type KineDetails, type KineOptions } from './kine-analysis.js';
import type { ProgressListener } from './source/snapshot-file.js';
import { BTREE_WALK } from './sqlite/btrees.js';
import { guard, guardAsync } from './sqlite/guard.js';
import { type IntegrityMode, integrityWalk } from './sqlite/integrity.js';
import { openCopy, type SqliteDatabase } from './sqlite/open.js';
import { runPageWalks } from './sqlite/page-walk.js';
import { readPageFigures } from './sqlite/pages.js';
import type { SideThread } from './sqlite/side-thread.js';
import { estimateVacuumedBytes, vacuumedBytes } from './sqlite/vacuum.js';
import { addTiming, type Timings, timed } from './timings.js';

/** Called with the open kine database before it is closed (compare() reads writes this way). */
export type KineInspector = (db: SqliteDatabase, details: KineDetails) => void;

export interface MeasureOptions extends KineOptions {
  /** The private directory (for VACUUM INTO). */
  dir: string;
  vacuum?: boolean | undefined;
  integrity?: IntegrityMode | undefined;
  onProgress?: ProgressListener | undefined;
  /** Runs the page walks beside the kine scan; without one they run first, on this thread. */
  side?: SideThread | undefined;
  inspect?: KineInspector | undefined;
}

/** One database's storage figures, and its kine details when it holds a kine table. */
export interface Measured {
  analysis: DatabaseAnalysis;
  details: KineDetails | null;
}

/**
 * Measure one extracted database: page figures, then the page walks (dbstat, integrity check)
 * beside the kine scan, then VACUUM INTO when asked. The copy is closed before this returns.
 */
export async function measureDatabase(
  database: ExtractedDatabase,
  options: MeasureOptions,
  timings: Timings,
): Promise<Measured> {
  // dqlite registers a database before its first page is written.
  if (database.mainBytes === 0 && database.walBytes === 0)
    return { analysis: emptyDatabase(database), details: null };
  const label = `database "${database.name}"`;
  const db = timed(timings, 'open', () => openCopy(database.mainPath, label));
  try {
    const { pages, tables } = timed(timings, 'pages', () => ({
      pages: readPageFigures(db),
      tables: listTables(db),
    }));
    options.onProgress?.({ step: 'btrees', done: 0, total: pages.pageCount, database: database.name });
    const fileBytes = pages.pageCount * pages.pageSize;
    const integrity = integrityWalk(options.integrity ?? 'quick');
    const walks = runPageWalks(
      [BTREE_WALK, ...(integrity ? [integrity] : [])] as const,
      db,
      database.mainPath,
      options.side,
    );
    walks.catch(() => {}); // awaited below, unless the kine scan fails first
    const schema = detectKineSchema(db);
    const details = schema ? analyzeKine(db, database.name, schema, fileBytes, options, timings) : null;
    const [btrees, checked] = await guardAsync(walks, label);
    timings.btrees = (timings.btrees ?? 0) + btrees.seconds;
    if (checked) timings.integrity = (timings.integrity ?? 0) + checked.seconds;
    const analysis: DatabaseAnalysis = {
      name: database.name,
      pageSize: pages.pageSize,
      pageCount: pages.pageCount,
      freelistCount: pages.freelistCount,
      fileBytes,
      mainFileBytes: database.mainBytes,
      walBytes: database.walBytes,
      walFrames: database.wal?.frames ?? 0,
      walCommittedFrames: database.wal?.committedFrames ?? 0,
      walValidFrames: database.wal?.validFrames ?? 0,
      freeBytes: pages.freelistCount * pages.pageSize,
      freePageShare: pages.pageCount === 0 ? 0 : pages.freelistCount / pages.pageCount,
      estimatedVacuumedBytes: estimateVacuumedBytes(
        btrees.result,
        pages.pageSize,
        pages.pageCount - Math.min(pages.freelistCount, pages.pageCount),
      ),
      userVersion: pages.userVersion,
      isKine: schema !== undefined,
      tables,
      objects: btrees.result,
      integrity: checked?.result ?? null,
    };
    if (details && options.inspect) {
      const inspect = options.inspect;
      guard(() => inspect(db, details), label);
    }
    if (options.vacuum) {
      const started = performance.now();
      options.onProgress?.({ step: 'vacuum', done: 0, total: undefined, database: database.name });
      ensureFreeSpace(options.dir, fileBytes - analysis.freeBytes);
      analysis.vacuumedBytes = guard(() => vacuumedBytes(db, options.dir, `db${database.index}`), label);
      addTiming(timings, 'vacuum', started);
    }
    return { analysis, details };
  } finally {
    db.close();
  }
}

function emptyDatabase(database: ExtractedDatabase): DatabaseAnalysis {
  return {
    name: database.name,
    pageSize: 0,
    pageCount: 0,
    freelistCount: 0,
    fileBytes: 0,
    mainFileBytes: 0,
    walBytes: 0,
    walFrames: 0,
    walCommittedFrames: 0,
    walValidFrames: 0,
    freeBytes: 0,
    freePageShare: 0,
    estimatedVacuumedBytes: 0,
    userVersion: 0,
    isKine: false,
    tables: [],
    objects: [],
    integrity: null,
  };
}
