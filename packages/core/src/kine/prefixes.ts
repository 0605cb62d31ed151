import type { SqliteDatabase } from '../sqlite/open.js';
import { resourceOfPrefix, SPECIAL_KEY_SQL, withKeyPrefix } from './key-prefix.js';
import { valueClassSql } from './value-sql.js';

/** How the latest values of live keys are encoded (classified from their first bytes). */
export interface ValueClassCounts {
  protobuf: number;
  json: number;
  /** `k8s:enc:` values: encrypted at rest, counted, never decoded. */
  encrypted: number;
  empty: number;
  /** Anything else: not decodable as a Kubernetes value. */
  other: number;
}

/** Row and byte figures of one group of keys; every definition matches KineRevisions'. */
export interface KeyGroupUsage {
  /** All rows of these keys (latest and superseded, live and deleted). */
  rows: number;
  liveKeys: number;
  /** Key, value and old_value bytes of the live keys' latest rows. */
  liveBytes: number;
  /** Superseded revisions not yet compacted. */
  historyRows: number;
  historyBytes: number;
  /** Delete events (`deleted = 1` rows), latest or superseded. */
  tombstones: number;
  /** Keys whose latest row is a tombstone. */
  deletedKeys: number;
  /** Encoding of the live keys' latest values. */
  values: ValueClassCounts;
}

/** The same figures for one namespace of a resource. */
export interface NamespaceUsage extends KeyGroupUsage {
  namespace: string;
}

/** kine rows grouped by the apiserver's storage prefix (one entry per resource). */
export interface PrefixUsage extends KeyGroupUsage {
  /** Storage prefix as written in keys: `pods`, `services/specs`, `crd.projectcalico.org/ipamhandles`. */
  prefix: string;
  /** API group (`` for core); null when the prefix is not one we know. */
  group: string | null;
  /** API resource (plural): `nodes` for the `minions` prefix. */
  resource: string;
  /** Per namespace (namespaced keys only), largest first; only with the byNamespace option. */
  namespaces?: NamespaceUsage[];
}

// Latest row per key (as in revisions.ts), each row classified against it; values are classified
// only for live latest rows, so history values are never read.
const ROWS_SQL = `
  SELECT k.name AS name, k.deleted AS deleted, (k.id = l.id) AS isLatest,
         length(CAST(k.name AS BLOB)) + coalesce(length(k.value), 0) + coalesce(length(k.old_value), 0) AS bytes,
         CASE WHEN k.id = l.id AND k.deleted = 0 THEN ${valueClassSql('k.value')} END AS valueClass
  FROM kine AS k JOIN latest AS l ON l.name = k.name`;

const PREFIX_SQL = `
  WITH latest AS (SELECT name, max(id) AS id FROM kine WHERE NOT ${SPECIAL_KEY_SQL} GROUP BY name),
  ${withKeyPrefix(ROWS_SQL)}
  SELECT prefix, namespace,
         count(*) AS rows,
         coalesce(sum(isLatest AND deleted = 0), 0) AS liveKeys,
         coalesce(sum(CASE WHEN isLatest AND deleted = 0 THEN bytes END), 0) AS liveBytes,
         coalesce(sum(NOT isLatest), 0) AS historyRows,
         coalesce(sum(CASE WHEN NOT isLatest THEN bytes END), 0) AS historyBytes,
         coalesce(sum(deleted <> 0), 0) AS tombstones,
         coalesce(sum(isLatest AND deleted <> 0), 0) AS deletedKeys,
         coalesce(sum(valueClass = 'protobuf'), 0) AS protobuf,
         coalesce(sum(valueClass = 'json'), 0) AS json,
         coalesce(sum(valueClass = 'encrypted'), 0) AS encrypted,
         coalesce(sum(valueClass = 'empty'), 0) AS empty,
         coalesce(sum(valueClass = 'other'), 0) AS other
  FROM keyed
  GROUP BY prefix, namespace`;

interface GroupRow extends Omit<KeyGroupUsage, 'values'>, ValueClassCounts {
  prefix: string;
  namespace: string | null;
}

/** The SQL behind readPrefixUsage, for evidence an operator can re-run in sqlite3. */
export const PREFIX_USAGE_SQL = PREFIX_SQL;

/**
 * Group kine rows by storage prefix (and namespace when asked): one set-based query whose result has
 * one row per resource × namespace, so memory does not grow with the number of keys.
 * Sorted by live + history bytes, largest first.
 */
export function readPrefixUsage(db: SqliteDatabase, options: { byNamespace?: boolean } = {}): PrefixUsage[] {
  const byPrefix = new Map<string, PrefixUsage>();
  for (const row of db.prepare(PREFIX_SQL).iterate() as Iterable<GroupRow>) {
    let usage = byPrefix.get(row.prefix);
    if (!usage) {
      usage = { prefix: row.prefix, ...resourceOfPrefix(row.prefix), ...emptyUsage() };
      if (options.byNamespace) usage.namespaces = [];
      byPrefix.set(row.prefix, usage);
    }
    const figures = toUsage(row);
    addUsage(usage, figures);
    if (usage.namespaces && row.namespace !== null)
      usage.namespaces.push({ namespace: row.namespace, ...figures });
  }
  const prefixes = [...byPrefix.values()];
  for (const usage of prefixes) usage.namespaces?.sort(bySize);
  return prefixes.sort(bySize);
}

function bySize(a: KeyGroupUsage & { prefix?: string; namespace?: string }, b: typeof a): number {
  const size = b.liveBytes + b.historyBytes - (a.liveBytes + a.historyBytes);
  return size !== 0 ? size : (a.prefix ?? a.namespace ?? '').localeCompare(b.prefix ?? b.namespace ?? '');
}

function emptyUsage(): KeyGroupUsage {
  return {
    rows: 0,
    liveKeys: 0,
    liveBytes: 0,
    historyRows: 0,
    historyBytes: 0,
    tombstones: 0,
    deletedKeys: 0,
    values: { protobuf: 0, json: 0, encrypted: 0, empty: 0, other: 0 },
  };
}

function toUsage(row: GroupRow): KeyGroupUsage {
  return {
    rows: row.rows,
    liveKeys: row.liveKeys,
    liveBytes: row.liveBytes,
    historyRows: row.historyRows,
    historyBytes: row.historyBytes,
    tombstones: row.tombstones,
    deletedKeys: row.deletedKeys,
    values: {
      protobuf: row.protobuf,
      json: row.json,
      encrypted: row.encrypted,
      empty: row.empty,
      other: row.other,
    },
  };
}

function addUsage(into: KeyGroupUsage, add: KeyGroupUsage): void {
  into.rows += add.rows;
  into.liveKeys += add.liveKeys;
  into.liveBytes += add.liveBytes;
  into.historyRows += add.historyRows;
  into.historyBytes += add.historyBytes;
  into.tombstones += add.tombstones;
  into.deletedKeys += add.deletedKeys;
  for (const key of Object.keys(into.values) as (keyof ValueClassCounts)[])
    into.values[key] += add.values[key];
}
