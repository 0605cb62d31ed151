// An independent reference for the kine table scan (kine/table-scan.ts): the scan must give exactly
// what this file computes. It shares no code with the core, only its result types: the revision totals
// are two set-based queries written here, and the per-prefix usage and hot keys read every row into JS
// and split keys, classify values and rank keys by their own rules, written from the layouts they
// follow (docs/formats.md §3.3; the apiserver's storage prefixes), not from the core's SQL.
// Only for test-sized tables: every row is held in memory.
import type { HotKey } from '../../src/kine/hot-keys.js';
import type {
  KeyGroupUsage,
  NamespaceUsage,
  PrefixUsage,
  ValueClassCounts,
} from '../../src/kine/prefixes.js';
import type { KineRevisions } from '../../src/kine/revisions.js';
import type { SqliteDatabase } from '../../src/sqlite/open.js';

// Bytes a row holds in its variable-length columns; octet_length counts bytes for TEXT and
// BLOB alike, where length() of TEXT counts characters and stops at a NUL.
const ROW_BYTES =
  'octet_length(k.name) + coalesce(octet_length(k.value), 0) + coalesce(octet_length(k.old_value), 0)';
const SPECIAL = "(k.name = 'compact_rev_key' OR substr(k.name, 1, 4) = 'gap-')";

const TOTALS_SQL = `
  SELECT count(*) AS rows,
         coalesce(sum(k.deleted = 0), 0) AS rowsNotDeleted,
         coalesce(sum(k.deleted <> 0 AND NOT ${SPECIAL}), 0) AS tombstones,
         coalesce(sum(substr(k.name, 1, 4) = 'gap-'), 0) AS gapRows,
         coalesce(sum(k.name = 'compact_rev_key'), 0) AS compactRevKeyRows,
         coalesce(max(k.id), 0) AS currentRevision,
         max(CASE WHEN k.name = 'compact_rev_key' THEN k.prev_revision END) AS compactRevision
  FROM kine AS k`;

// Latest row per key, then each row classified against it in one join. A superseded row is passed
// when the next row of its key (the one superseding it) is at or below the compact revision.
const SPLIT_SQL = `
  WITH latest AS (SELECT name, max(id) AS id FROM kine GROUP BY name),
       compact AS (SELECT max(prev_revision) AS revision FROM kine WHERE name = 'compact_rev_key')
  SELECT coalesce(sum(k.id = l.id AND k.deleted = 0), 0) AS liveKeys,
         coalesce(sum(CASE WHEN k.id = l.id AND k.deleted = 0 THEN ${ROW_BYTES} END), 0) AS liveBytes,
         coalesce(sum(CASE WHEN k.id = l.id AND k.deleted = 0 THEN octet_length(k.value) END), 0) AS liveValueBytes,
         coalesce(sum(k.id = l.id AND k.deleted <> 0), 0) AS deletedKeys,
         coalesce(sum(k.id < l.id), 0) AS historyRows,
         coalesce(sum(CASE WHEN k.id < l.id THEN ${ROW_BYTES} END), 0) AS historyBytes,
         coalesce(sum(k.id < l.id AND (SELECT min(n.id) FROM kine AS n WHERE n.name = k.name AND n.id > k.id)
                                      <= (SELECT revision FROM compact)), 0) AS historyRowsPassed
  FROM kine AS k JOIN latest AS l ON l.name = k.name
  WHERE NOT ${SPECIAL}`;

/** The figures SPLIT_SQL gives; TOTALS_SQL gives the rest but the two derived below. */
type SplitFigures =
  | 'liveKeys'
  | 'liveBytes'
  | 'liveValueBytes'
  | 'deletedKeys'
  | 'historyRows'
  | 'historyBytes'
  | 'historyRowsPassed';

/** Measure the kine table with two set-based queries. */
export function readKineRevisions(db: SqliteDatabase): KineRevisions {
  const totals = db.prepare(TOTALS_SQL).get() as Omit<
    KineRevisions,
    SplitFigures | 'revisionsSinceCompaction' | 'sequence'
  >;
  const split = db.prepare(SPLIT_SQL).get() as Pick<KineRevisions, SplitFigures>;
  return {
    ...totals,
    ...split,
    revisionsSinceCompaction: totals.currentRevision - (totals.compactRevision ?? 0),
    sequence: kineSequence(db),
  };
}

// AUTOINCREMENT's high-water mark for kine, when the table has one.
function kineSequence(db: SqliteDatabase): number | null {
  const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all() as string[];
  if (!tables.includes('sqlite_sequence')) return null;
  const seq = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'kine'").pluck().get() as
    | number
    | undefined;
  return seq === undefined ? null : Number(seq);
}

/** One kine row as the reference sees it: the key as text, the columns as bytes. */
interface Row {
  id: number;
  key: string;
  deleted: boolean;
  bytes: number;
  value: Buffer | null;
}

const asBytes = (v: unknown): Buffer | null =>
  v === null || v === undefined ? null : Buffer.isBuffer(v) ? v : Buffer.from(String(v), 'utf8');

// kine's bookkeeping rows: the compaction marker and the gap fillers of its watch loop.
const isBookkeeping = (key: string) => key === 'compact_rev_key' || key.startsWith('gap-');

/** The rows of every key except kine's bookkeeping, with each key's latest id. */
function readRows(db: SqliteDatabase): { rows: Row[]; latest: Map<string, number> } {
  const rows: Row[] = [];
  const latest = new Map<string, number>();
  const all = db.prepare('SELECT id, name, deleted, value, old_value FROM kine').all() as {
    id: number;
    name: unknown;
    deleted: number;
    value: unknown;
    old_value: unknown;
  }[];
  for (const r of all) {
    const name = asBytes(r.name) ?? Buffer.alloc(0);
    const key = name.toString('utf8');
    if (isBookkeeping(key)) continue;
    const value = asBytes(r.value);
    const oldValue = asBytes(r.old_value);
    rows.push({
      id: Number(r.id),
      key,
      deleted: Number(r.deleted) !== 0,
      bytes: name.length + (value?.length ?? 0) + (oldValue?.length ?? 0),
      value,
    });
    latest.set(key, Math.max(latest.get(key) ?? Number.NEGATIVE_INFINITY, Number(r.id)));
  }
  return { rows, latest };
}

/**
 * Storage prefix and namespace of a key in the apiserver's layout `/registry/<prefix>/[<ns>/]<name>`:
 * the prefix is one segment, or two when the first is an API group (dotted) or `services` (`specs`,
 * `endpoints`). Keys outside `/registry/` are `(other)`.
 */
function splitKey(key: string): { prefix: string; namespace: string | null } {
  if (!key.startsWith('/registry/')) return { prefix: '(other)', namespace: null };
  const segments = key.slice('/registry/'.length).split('/');
  const first = segments[0] ?? '';
  const second = segments[1];
  const twoSegments = (first.includes('.') || first === 'services') && second !== undefined && second !== '';
  const prefix = twoSegments ? `${first}/${second}` : first;
  const object = segments.slice(twoSegments ? 2 : 1);
  return { prefix, namespace: object.length >= 2 ? (object[0] ?? null) : null };
}

// Prefixes that are not the resource's plural, from the apiserver's SpecialDefaultResourcePrefixes
// (kubernetes/kubernetes:pkg/kubeapiserver/default_storage_factory_builder.go).
const RENAMED: Record<string, [group: string, resource: string]> = {
  'services/specs': ['', 'services'],
  'services/endpoints': ['', 'endpoints'],
  minions: ['', 'nodes'],
  controllers: ['', 'replicationcontrollers'],
  ingress: ['networking.k8s.io', 'ingresses'],
  podsecuritypolicy: ['policy', 'podsecuritypolicies'],
};

// API group of built-in resources stored under their bare plural (k8s.io/api, one package a group);
// ranges, masterleases and peerserverleases are the apiserver's own core-group objects.
const BUILT_IN_GROUP: Record<string, string> = Object.fromEntries(
  (
    [
      [
        '',
        'pods namespaces secrets configmaps serviceaccounts persistentvolumes persistentvolumeclaims events ' +
          'limitranges resourcequotas podtemplates ranges masterleases peerserverleases',
      ],
      ['apps', 'deployments replicasets daemonsets statefulsets controllerrevisions'],
      ['batch', 'jobs cronjobs'],
      ['autoscaling', 'horizontalpodautoscalers'],
      ['policy', 'poddisruptionbudgets'],
      ['coordination.k8s.io', 'leases leasecandidates'],
      ['rbac.authorization.k8s.io', 'roles rolebindings clusterroles clusterrolebindings'],
      [
        'admissionregistration.k8s.io',
        'mutatingwebhookconfigurations validatingwebhookconfigurations validatingadmissionpolicies ' +
          'validatingadmissionpolicybindings mutatingadmissionpolicies mutatingadmissionpolicybindings',
      ],
      ['networking.k8s.io', 'networkpolicies ingressclasses ipaddresses servicecidrs'],
      ['discovery.k8s.io', 'endpointslices'],
      ['storage.k8s.io', 'storageclasses volumeattachments csidrivers csinodes csistoragecapacities'],
      ['scheduling.k8s.io', 'priorityclasses'],
      ['certificates.k8s.io', 'certificatesigningrequests'],
      ['node.k8s.io', 'runtimeclasses'],
      ['flowcontrol.apiserver.k8s.io', 'flowschemas prioritylevelconfigurations'],
    ] as const
  ).flatMap(([group, plurals]) => plurals.split(' ').map((plural) => [plural, group])),
);

/** API group (null when unknown) and resource a storage prefix stands for. */
function resourceOf(prefix: string): { group: string | null; resource: string } {
  const renamed = RENAMED[prefix];
  if (renamed) return { group: renamed[0], resource: renamed[1] };
  const slash = prefix.indexOf('/');
  if (slash > 0 && prefix.slice(0, slash).includes('.'))
    return { group: prefix.slice(0, slash), resource: prefix.slice(slash + 1) };
  return { group: BUILT_IN_GROUP[prefix] ?? null, resource: prefix };
}

// Kubernetes' protobuf envelope starts with `k8s\0`; values encrypted at rest with `k8s:enc:`
// (k8s.io/apimachinery runtime/serializer/protobuf, k8s.io/apiserver storage/value).
// A value over 1.5 MiB (the analyzer's read limit, docs/security.md) is 'oversized', never classified.
function valueClass(value: Buffer | null): keyof ValueClassCounts {
  if (value === null || value.length === 0) return 'empty';
  if (value.length > 1.5 * 1024 * 1024) return 'oversized';
  if (value.subarray(0, 4).equals(Buffer.from('k8s\0', 'latin1'))) return 'protobuf';
  if (value.subarray(0, 8).equals(Buffer.from('k8s:enc:', 'latin1'))) return 'encrypted';
  // JSON: an object after optional whitespace, looked for in the first 64 bytes only.
  const head = value.subarray(0, 64);
  const first = head.findIndex((b) => b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d);
  return first >= 0 && head[first] === 0x7b ? 'json' : 'other';
}

const zeroUsage = (): KeyGroupUsage => ({
  rows: 0,
  liveKeys: 0,
  liveBytes: 0,
  historyRows: 0,
  historyBytes: 0,
  tombstones: 0,
  deletedKeys: 0,
  values: { protobuf: 0, json: 0, encrypted: 0, empty: 0, other: 0, oversized: 0 },
});

function count(usage: KeyGroupUsage, row: Row, isLatest: boolean): void {
  usage.rows++;
  if (row.deleted) usage.tombstones++;
  if (!isLatest) {
    usage.historyRows++;
    usage.historyBytes += row.bytes;
  } else if (row.deleted) {
    usage.deletedKeys++;
  } else {
    usage.liveKeys++;
    usage.liveBytes += row.bytes;
    usage.values[valueClass(row.value)]++;
  }
}

// Largest (live + history bytes) first, ties by name.
const bySize = (a: KeyGroupUsage, b: KeyGroupUsage, nameA: string, nameB: string) =>
  b.liveBytes + b.historyBytes - (a.liveBytes + a.historyBytes) || nameA.localeCompare(nameB);

/** kine rows grouped by storage prefix (and namespace when asked), largest first. */
export function readPrefixUsage(db: SqliteDatabase, options: { byNamespace?: boolean } = {}): PrefixUsage[] {
  const { rows, latest } = readRows(db);
  const prefixes = new Map<string, PrefixUsage>();
  const namespaces = new Map<string, Map<string, NamespaceUsage>>();
  for (const row of rows) {
    const { prefix, namespace } = splitKey(row.key);
    let usage = prefixes.get(prefix);
    if (!usage) {
      usage = { prefix, ...resourceOf(prefix), ...zeroUsage() };
      prefixes.set(prefix, usage);
      namespaces.set(prefix, new Map());
    }
    const isLatest = latest.get(row.key) === row.id;
    count(usage, row, isLatest);
    if (options.byNamespace && namespace !== null) {
      const inPrefix = namespaces.get(prefix)!;
      let ns = inPrefix.get(namespace);
      if (!ns) {
        ns = { namespace, ...zeroUsage() };
        inPrefix.set(namespace, ns);
      }
      count(ns, row, isLatest);
    }
  }
  const result = [...prefixes.values()];
  if (options.byNamespace)
    for (const usage of result)
      usage.namespaces = [...namespaces.get(usage.prefix)!.values()].sort((a, b) =>
        bySize(a, b, a.namespace, b.namespace),
      );
  return result.sort((a, b) => bySize(a, b, a.prefix, b.prefix));
}

/** The `limit` keys with the most retained rows, most first, ties by key bytes. */
export function readHotKeys(db: SqliteDatabase, limit: number): HotKey[] {
  const { rows, latest } = readRows(db);
  const byKey = new Map<
    string,
    { revisions: number; bytes: number; oldest: number; latestDeleted: boolean }
  >();
  for (const row of rows) {
    const entry = byKey.get(row.key) ?? { revisions: 0, bytes: 0, oldest: row.id, latestDeleted: false };
    entry.revisions++;
    entry.bytes += row.bytes;
    entry.oldest = Math.min(entry.oldest, row.id);
    if (latest.get(row.key) === row.id) entry.latestDeleted = row.deleted;
    byKey.set(row.key, entry);
  }
  const ranked = [...byKey.entries()].sort(
    ([keyA, a], [keyB, b]) =>
      b.revisions - a.revisions || Buffer.compare(Buffer.from(keyA), Buffer.from(keyB)),
  );
  return ranked.slice(0, limit).map(([key, entry]) => {
    const { prefix } = splitKey(key);
    return {
      key,
      prefix,
      resource: resourceOf(prefix).resource,
      revisions: entry.revisions,
      share: rows.length > 0 ? entry.revisions / rows.length : 0,
      bytes: entry.bytes,
      oldestRevision: entry.oldest,
      latestRevision: latest.get(key)!,
      deleted: entry.latestDeleted,
    };
  });
}
