/** How the latest values of live keys are encoded (classified from their first bytes). */
export interface ValueClassCounts {
  protobuf: number;
  json: number;
  /** `k8s:enc:` values: encrypted at rest, counted, never decoded. */
  encrypted: number;
  empty: number;
  /** Anything else: not decodable as a Kubernetes value. */
  other: number;
  /** Longer than VALUE_READ_LIMIT (kine/value-sql.ts): measured, never read. */
  oversized: number;
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

/** Largest first (live + history bytes), namespaces too; ties by name. */
export function sortUsage(prefixes: PrefixUsage[]): PrefixUsage[] {
  for (const usage of prefixes) usage.namespaces?.sort(bySize);
  return prefixes.sort(bySize);
}

function bySize(a: KeyGroupUsage & { prefix?: string; namespace?: string }, b: typeof a): number {
  const size = b.liveBytes + b.historyBytes - (a.liveBytes + a.historyBytes);
  return size !== 0 ? size : (a.prefix ?? a.namespace ?? '').localeCompare(b.prefix ?? b.namespace ?? '');
}

/** A group with nothing counted yet. */
export function emptyUsage(): KeyGroupUsage {
  return {
    rows: 0,
    liveKeys: 0,
    liveBytes: 0,
    historyRows: 0,
    historyBytes: 0,
    tombstones: 0,
    deletedKeys: 0,
    values: { protobuf: 0, json: 0, encrypted: 0, empty: 0, other: 0, oversized: 0 },
  };
}

/** Add one group's figures into another. */
export function addUsage(into: KeyGroupUsage, add: KeyGroupUsage): void {
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
