import type { SqliteDatabase } from '../sqlite/open.js';

/** Which kine table layout a database has. */
export interface KineSchema {
  /** `PRAGMA user_version`: 0 (kine 0.4 / k8s-dqlite 1.0), 1 (k8s-dqlite 1.1–1.6), 65536 (≥ 1.7, fresh databases). */
  userVersion: number;
  /** Index names on the kine table, sorted. */
  indexes: string[];
  /** A plain-words name for the layout, from the version and the index set. */
  variant: 'kine-0.4' | 'k8s-dqlite-v1' | 'k8s-dqlite-v1.0-schema' | 'upstream-kine' | 'unknown';
}

// Columns every kine version has (docs/formats.md §3.2); the index sets differ between versions.
const KINE_COLUMNS = [
  'id',
  'name',
  'created',
  'deleted',
  'create_revision',
  'prev_revision',
  'lease',
  'value',
  'old_value',
];
// Present only in upstream kine (k3s-io/kine:pkg/drivers/sqlite/sqlite.go), never in k8s-dqlite.
const UPSTREAM_ONLY_INDEXES = ['kine_name_id_index', 'kine_id_deleted_index', 'kine_prev_revision_index'];

/** The kine schema of `db`, or undefined when it has no table shaped like kine's. */
export function detectKineSchema(db: SqliteDatabase): KineSchema | undefined {
  const columns = new Set((db.pragma('table_info(kine)') as Array<{ name: string }>).map((c) => c.name));
  if (!KINE_COLUMNS.every((name) => columns.has(name))) return undefined;
  const indexes = (db.pragma('index_list(kine)') as Array<{ name: string }>).map((i) => i.name).sort();
  const userVersion = Number(db.pragma('user_version', { simple: true }));
  return { userVersion, indexes, variant: variantOf(userVersion, indexes) };
}

function variantOf(userVersion: number, indexes: string[]): KineSchema['variant'] {
  if (indexes.some((name) => UPSTREAM_ONLY_INDEXES.includes(name))) return 'upstream-kine';
  if (userVersion === 65536 || indexes.includes('k8s_dqlite_name_del_index')) return 'k8s-dqlite-v1.0-schema';
  if (userVersion === 1) return 'k8s-dqlite-v1';
  if (userVersion === 0) return 'kine-0.4';
  return 'unknown';
}

/** Tables of `db` (for telling the user what a non-kine database holds). */
export function listTables(db: SqliteDatabase): string[] {
  return (
    db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").all() as Array<{
      name: string;
    }>
  ).map((row) => row.name);
}
