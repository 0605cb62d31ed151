import type { KineAnalysis } from './analysis-types.js';
import type { HotKey } from './kine/hot-keys.js';
import type { PrefixUsage } from './kine/prefixes.js';
import type { KineSchema } from './kine/schema.js';
import { scanKineTable } from './kine/table-scan.js';
import { type ObjectScan, scanObjects } from './scan/index.js';
import type { ProgressListener } from './source/snapshot-file.js';
import { guard } from './sqlite/guard.js';
import type { SqliteDatabase } from './sqlite/open.js';
import { type Timings, timed } from './timings.js';

/** What analyze() learns from a kine database beyond its storage figures. */
export interface KineDetails extends ObjectScan {
  kine: KineAnalysis;
  prefixes: PrefixUsage[];
  hotKeys: HotKey[];
}

export interface KineOptions {
  /** Break prefixes down per namespace. */
  byNamespace?: boolean | undefined;
  /** How many hot keys to list (default HOT_KEYS_LIMIT). */
  hotKeys?: number | undefined;
  onProgress?: ProgressListener | undefined;
}

/**
 * Measure a kine table in depth: revision figures, per-prefix usage and hot keys (one table scan),
 * then decode the latest values of the few resources the findings need.
 */
export function analyzeKine(
  db: SqliteDatabase,
  name: string,
  schema: KineSchema,
  fileBytes: number,
  options: KineOptions,
  timings: Timings,
): KineDetails {
  const label = `database "${name}"`;
  options.onProgress?.({ step: 'kine', done: 0, total: undefined, database: name });
  const {
    revisions: scanned,
    prefixes,
    hotKeys,
  } = timed(timings, 'kine', () =>
    guard(
      () => scanKineTable(db, { byNamespace: options.byNamespace ?? false, hotKeys: options.hotKeys }),
      label,
    ),
  );
  const revisions = {
    ...scanned,
    sequence: readSequence(db),
    gapRowsCompacted: guard(() => readGapRowsCompacted(db, scanned.compactRevision), label),
  };
  const scan = timed(timings, 'objects', () => guard(() => scanObjects(db), label));
  return {
    kine: {
      database: name,
      schema,
      ...revisions,
      fileToLiveRatio: revisions.liveBytes > 0 ? fileBytes / revisions.liveBytes : null,
    },
    prefixes,
    hotKeys,
    ...scan,
  };
}

// gap-* rows at or below the compact revision, through the name index ('.' follows '-'): the rows the
// kine-bookkeeping finding's DELETE removes.
function readGapRowsCompacted(db: SqliteDatabase, compactRevision: number | null): number {
  if (compactRevision === null) return 0;
  const row = db
    .prepare("SELECT count(*) AS n FROM kine WHERE name >= 'gap-' AND name < 'gap.' AND id <= ?")
    .get(compactRevision) as { n: number };
  return Number(row.n);
}

// Highest id ever issued: AUTOINCREMENT keeps it in sqlite_sequence.
function readSequence(db: SqliteDatabase): number | null {
  const hasSequence = db.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_sequence'").get();
  if (!hasSequence) return null;
  const row = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'kine'").get() as
    | { seq: number }
    | undefined;
  return row ? Number(row.seq) : null;
}
