import type { SqliteDatabase } from '../sqlite/open.js';
import { HOT_KEYS_LIMIT, type HotKey } from './hot-keys.js';
import { prefixOfKey, resourceOfPrefix } from './key-prefix.js';
import { addUsage, emptyUsage, type KeyGroupUsage, type PrefixUsage, sortUsage } from './prefixes.js';
import type { KineRevisions } from './revisions.js';
import { valueClassSql } from './value-sql.js';

/** Everything one pass over the kine table yields. */
export interface KineTableScan {
  revisions: KineRevisions;
  prefixes: PrefixUsage[];
  hotKeys: HotKey[];
}

const COMPACT_KEY = 'compact_rev_key';
const isSpecial = (name: string) => name === COMPACT_KEY || name.startsWith('gap-');

// Pass 1 walks the (name, id) index alone — every kine schema has an index led by name — to learn
// each key's latest revision and revision count without touching the table.
const KEYS_SQL =
  'SELECT name, max(id) AS latest, count(*) AS revisions, min(id) AS oldest FROM kine GROUP BY name';
// Pass 2 reads the table once in rowid order (sequential pages): sizes, and the class of each live
// value (k8s/value.ts classifyValue, spelled in SQL: no Buffer per row crosses into JS). Only the
// latest rows are classified, so superseded values — most of a sick database, often spilling into
// overflow pages — are never read; octet_length() reads a blob's size without its content.
const ROWS_SQL = `
  SELECT id, name, deleted,
         octet_length(name) + coalesce(octet_length(value), 0) + coalesce(octet_length(old_value), 0) AS bytes,
         coalesce(octet_length(value), 0) AS valueBytes,
         CASE WHEN deleted = 0 AND dqa_is_latest(id) THEN ${valueClassSql('value')} END AS valueClass
  FROM kine`;
const TOTALS_SQL = `
  SELECT coalesce(max(id), 0) AS currentRevision,
         (SELECT max(prev_revision) FROM kine WHERE name = '${COMPACT_KEY}') AS compactRevision
  FROM kine`;

/**
 * Measure the kine table in two sequential passes: the name index, then the table in rowid order.
 * The same figures as the set-based queries in kine/revisions.ts and kine/prefixes.ts, several
 * times faster because no pass sorts or joins. Memory: one bit per revision (latest or not), one
 * entry per resource × namespace, and the hot-key candidates.
 */
export function scanKineTable(
  db: SqliteDatabase,
  options: { byNamespace?: boolean; hotKeys?: number } = {},
): KineTableScan {
  const { currentRevision, compactRevision } = db.prepare(TOTALS_SQL).get() as {
    currentRevision: number;
    compactRevision: number | null;
  };
  const latest = new RevisionSet(currentRevision);
  const limit = options.hotKeys ?? HOT_KEYS_LIMIT;
  const candidates: Array<{ key: string; revisions: number; oldest: number; latest: number }> = [];
  let gapRows = 0;
  let compactRevKeyRows = 0;
  for (const [name, latestId, revisions, oldest] of db.prepare(KEYS_SQL).raw().iterate() as Iterable<
    [string, number, number, number]
  >) {
    const key = String(name);
    if (key === COMPACT_KEY) compactRevKeyRows += revisions;
    else if (key.startsWith('gap-')) gapRows += revisions;
    else {
      latest.add(latestId);
      keepTop(candidates, { key, revisions, oldest, latest: latestId }, limit);
    }
  }

  const hot = new Map(candidates.map((c) => [c.key, { bytes: 0, deleted: false }]));
  db.function('dqa_is_latest', { deterministic: true }, (id: unknown) => (latest.has(Number(id)) ? 1 : 0));
  const groups = new Map<string, { prefix: string; namespace: string | null; usage: KeyGroupUsage }>();
  const totals = { rows: 0, rowsNotDeleted: 0, tombstones: 0, liveKeys: 0, liveBytes: 0, liveValueBytes: 0 };
  const more = { deletedKeys: 0, historyRows: 0, historyBytes: 0, retained: 0 };
  for (const [id, name, deleted, bytes, valueBytes, valueClass] of db
    .prepare(ROWS_SQL)
    .raw()
    .iterate() as Iterable<[number, string, number, number, number, keyof KeyGroupUsage['values']]>) {
    totals.rows += 1;
    if (deleted === 0) totals.rowsNotDeleted += 1;
    const key = String(name);
    if (isSpecial(key)) continue;
    more.retained += 1;
    const isLatest = latest.has(id);
    const usage = groupOf(groups, key, options.byNamespace ?? false);
    usage.rows += 1;
    if (deleted !== 0) {
      totals.tombstones += 1;
      usage.tombstones += 1;
    }
    if (!isLatest) {
      more.historyRows += 1;
      more.historyBytes += bytes;
      usage.historyRows += 1;
      usage.historyBytes += bytes;
    } else if (deleted !== 0) {
      more.deletedKeys += 1;
      usage.deletedKeys += 1;
    } else {
      totals.liveKeys += 1;
      totals.liveBytes += bytes;
      totals.liveValueBytes += valueBytes;
      usage.liveKeys += 1;
      usage.liveBytes += bytes;
      usage.values[valueClass] += 1;
    }
    const hotKey = hot.get(key);
    if (hotKey) {
      hotKey.bytes += bytes;
      if (isLatest) hotKey.deleted = deleted !== 0;
    }
  }

  return {
    revisions: {
      ...totals,
      deletedKeys: more.deletedKeys,
      historyRows: more.historyRows,
      historyBytes: more.historyBytes,
      gapRows,
      compactRevKeyRows,
      currentRevision,
      compactRevision,
      revisionsSinceCompaction: currentRevision - (compactRevision ?? 0),
      sequence: null,
    },
    prefixes: toPrefixes(groups, options.byNamespace ?? false),
    hotKeys: candidates.map((c) => {
      const prefix = prefixOfKey(c.key);
      return {
        key: c.key,
        prefix,
        resource: resourceOfPrefix(prefix).resource,
        revisions: c.revisions,
        share: more.retained > 0 ? c.revisions / more.retained : 0,
        bytes: hot.get(c.key)!.bytes,
        oldestRevision: c.oldest,
        latestRevision: c.latest,
        deleted: hot.get(c.key)!.deleted,
      };
    }),
  };
}

function groupOf(
  groups: Map<string, { prefix: string; namespace: string | null; usage: KeyGroupUsage }>,
  key: string,
  byNamespace: boolean,
): KeyGroupUsage {
  const prefix = prefixOfKey(key);
  const namespace = byNamespace ? namespaceOfKey(key, prefix) : null;
  const id = namespace === null ? prefix : `${prefix}\u0000${namespace}`;
  let group = groups.get(id);
  if (!group) {
    group = { prefix, namespace, usage: emptyUsage() };
    groups.set(id, group);
  }
  return group.usage;
}

/** The namespace of a namespaced key (`/registry/<prefix>/<namespace>/<name>`), else null. */
export function namespaceOfKey(key: string, prefix: string): string | null {
  if (!key.startsWith('/registry/')) return null;
  const rest = key.slice('/registry/'.length + prefix.length + 1);
  const slash = rest.indexOf('/');
  return slash > 0 ? rest.slice(0, slash) : null;
}

function toPrefixes(
  groups: Map<string, { prefix: string; namespace: string | null; usage: KeyGroupUsage }>,
  byNamespace: boolean,
): PrefixUsage[] {
  const byPrefix = new Map<string, PrefixUsage>();
  for (const { prefix, namespace, usage } of groups.values()) {
    let total = byPrefix.get(prefix);
    if (!total) {
      total = { prefix, ...resourceOfPrefix(prefix), ...emptyUsage() };
      if (byNamespace) total.namespaces = [];
      byPrefix.set(prefix, total);
    }
    addUsage(total, usage);
    if (total.namespaces && namespace !== null) total.namespaces.push({ namespace, ...usage });
  }
  return sortUsage([...byPrefix.values()]);
}

// Keep the `limit` keys with most revisions (ties: the smaller key), in order.
function keepTop<T extends { key: string; revisions: number }>(top: T[], item: T, limit: number): void {
  if (limit <= 0) return;
  const worse = (a: T, b: T) => a.revisions < b.revisions || (a.revisions === b.revisions && a.key > b.key);
  if (top.length === limit && !worse(top[top.length - 1]!, item)) return;
  let at = top.length;
  while (at > 0 && worse(top[at - 1]!, item)) at -= 1;
  top.splice(at, 0, item);
  if (top.length > limit) top.pop();
}

// Up to this many revisions the set is a bitmap (32 MiB at most); beyond, a Set of the latest ids.
const MAX_BITMAP_REVISIONS = 1 << 28;

/** The latest revision of every key: one bit per revision up to the current one. */
class RevisionSet {
  private readonly bits: Uint8Array | undefined;
  private readonly set: Set<number> | undefined;
  constructor(maxRevision: number) {
    if (maxRevision <= MAX_BITMAP_REVISIONS) this.bits = new Uint8Array(Math.floor(maxRevision / 8) + 1);
    else this.set = new Set();
  }
  add(id: number): void {
    if (this.bits) this.bits[id >>> 3]! |= 1 << (id & 7);
    else this.set!.add(id);
  }
  has(id: number): boolean {
    if (this.bits) return ((this.bits[id >>> 3] ?? 0) & (1 << (id & 7))) !== 0;
    return this.set!.has(id);
  }
}
