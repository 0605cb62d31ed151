import type { KineAnalysis } from './analysis.js';
import { RBAC_REQUIREMENTS } from './checks/rbac-requirements.js';
import { HOT_KEYS_LIMIT, type HotKey, readHotKeys } from './kine/hot-keys.js';
import { type PrefixUsage, readPrefixUsage } from './kine/prefixes.js';
import { readKineRevisions } from './kine/revisions.js';
import type { KineSchema } from './kine/schema.js';
import { type ObjectScan, scanObjects } from './scan/index.js';
import type { ProgressListener } from './source/snapshot-file.js';
import type { SqliteDatabase } from './sqlite/open.js';
import { guard, type Timings, timed } from './steps.js';

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
 * Measure a kine table in depth: revision figures, per-prefix usage and hot keys (set-based SQL),
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
  options.onProgress?.({ step: 'kine', done: 0, total: undefined });
  const revisions = timed(timings, 'kine', () => guard(() => readKineRevisions(db), label));
  const prefixes = timed(timings, 'prefixes', () =>
    guard(() => readPrefixUsage(db, { byNamespace: options.byNamespace ?? false }), label),
  );
  const hotKeys = timed(timings, 'hotKeys', () =>
    guard(() => readHotKeys(db, options.hotKeys ?? HOT_KEYS_LIMIT), label),
  );
  const scan = timed(timings, 'objects', () => guard(() => scanObjects(db, RBAC_REQUIREMENTS), label));
  return {
    kine: {
      database: name,
      schema,
      ...revisions,
      fragmentationRatio: revisions.liveBytes > 0 ? fileBytes / revisions.liveBytes : null,
    },
    prefixes,
    hotKeys,
    ...scan,
  };
}
