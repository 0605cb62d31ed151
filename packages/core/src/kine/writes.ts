import { parseRegistryKey } from '../k8s/keys.js';
import { cutMiddle } from '../long-strings.js';
import type { SqliteDatabase } from '../sqlite/open.js';
import { prefixOfKey, resourceOfPrefix, SPECIAL_KEY_SQL, withKeyPrefix } from './key-prefix.js';

/** Revisions of one key written after a given revision and still in the table. */
export interface KeyWrites {
  key: string;
  prefix: string;
  resource: string;
  /** The key's namespace; null for cluster-scoped keys and keys outside `/registry/`. */
  namespace: string | null;
  /** Who writes it, where the key says so (a Lease's holder, the Events of one object, a controller). */
  writer: string | null;
  revisions: number;
  /** Key, value and old_value bytes of those rows. */
  bytes: number;
  /** revisions per minute over the compared interval; null when the interval is unknown. */
  perMinute: number | null;
}

/** The same per storage prefix. */
export interface PrefixWrites {
  prefix: string;
  group: string | null;
  resource: string;
  revisions: number;
  bytes: number;
  /** Distinct keys written. */
  keys: number;
  perMinute: number | null;
}

/**
 * The Events about one involved object, taken together: the apiserver names an Event
 * `<involved object>.<hex suffix>` (client-go tools/record/event.go), and a controller failing in a
 * loop writes a new Event, or bumps the count of the last one, on every try.
 */
export interface EventObjectWrites {
  /** `/registry/events/<namespace>/<involved object name>`: the Event keys without their suffix. */
  key: string;
  namespace: string | null;
  /** The involved object's name. */
  object: string;
  revisions: number;
  /** Distinct Event keys written. */
  events: number;
  perMinute: number | null;
}

/** Rows written after a revision, per key (top ones) and per prefix (all), most first. */
export interface WritesSince {
  sinceRevision: number;
  /** Rows with id > sinceRevision, kine's bookkeeping rows excluded. */
  rows: number;
  /** kine's own rows with id > sinceRevision (gap-* fillers, a new compact_rev_key). */
  bookkeepingRows: number;
  keys: KeyWrites[];
  prefixes: PrefixWrites[];
  /** Events per involved object (top ones), most first. */
  eventObjects: EventObjectWrites[];
}

const BYTES = 'length(CAST(name AS BLOB)) + coalesce(length(value), 0) + coalesce(length(old_value), 0)';
// id is the revision and the INTEGER PRIMARY KEY, so `id > ?` is a range scan of the newest rows only.
const ROWS_SQL = `SELECT name, ${BYTES} AS bytes FROM kine WHERE id > ? AND NOT ${SPECIAL_KEY_SQL}`;
const KEYS_SQL = `
  SELECT name AS key, count(*) AS revisions, sum(bytes) AS bytes FROM (${ROWS_SQL})
  GROUP BY name ORDER BY revisions DESC, name LIMIT ?`;
const PREFIXES_SQL = `
  WITH ${withKeyPrefix(ROWS_SQL)}
  SELECT prefix, count(*) AS revisions, sum(bytes) AS bytes, count(DISTINCT name) AS keys
  FROM keyed GROUP BY prefix ORDER BY revisions DESC, prefix`;
const TOTAL_SQL = `SELECT count(*) FROM kine WHERE id > ? AND NOT ${SPECIAL_KEY_SQL}`;
const BOOKKEEPING_SQL = `SELECT count(*) FROM kine WHERE id > ? AND ${SPECIAL_KEY_SQL}`;
// An Event's name ends in `.` and hex digits: strip them (rtrim stops at the dot) to get the
// involved object's key. Same query an operator can paste into sqlite3.
const EVENT_OBJECT_SQL = "rtrim(rtrim(name, '0123456789abcdef'), '.')";
const EVENT_OBJECTS_SQL = `
  SELECT ${EVENT_OBJECT_SQL} AS key, count(*) AS revisions, count(DISTINCT name) AS events
  FROM kine WHERE id > ? AND substr(name, 1, 17) = '/registry/events/'
  GROUP BY 1 ORDER BY revisions DESC, key LIMIT ?`;

/** Count what was written after `sinceRevision` (the older snapshot's current revision). */
export function readWritesSince(db: SqliteDatabase, sinceRevision: number, keyLimit = 50): WritesSince {
  const rows = Number(db.prepare(TOTAL_SQL).pluck().get(sinceRevision));
  const bookkeepingRows = Number(db.prepare(BOOKKEEPING_SQL).pluck().get(sinceRevision));
  const keys = (
    db.prepare(KEYS_SQL).all(sinceRevision, keyLimit) as { key: string; revisions: number; bytes: number }[]
  ).map((row) => {
    const key = String(row.key);
    const prefix = prefixOfKey(key);
    return {
      // Kept cut beyond STRING_LIMIT (long-strings.ts), before any check builds a line from it.
      key: cutMiddle(key),
      prefix,
      resource: resourceOfPrefix(prefix).resource,
      namespace: parseRegistryKey(key)?.namespace ?? null,
      writer: writerOfKey(key),
      revisions: row.revisions,
      bytes: row.bytes,
      perMinute: null,
    };
  });
  const prefixes = (
    db.prepare(PREFIXES_SQL).all(sinceRevision) as {
      prefix: string;
      revisions: number;
      bytes: number;
      keys: number;
    }[]
  ).map((row) => ({ ...row, ...resourceOfPrefix(row.prefix), perMinute: null }));
  const eventObjects = (
    db.prepare(EVENT_OBJECTS_SQL).all(sinceRevision, keyLimit) as {
      key: string;
      revisions: number;
      events: number;
    }[]
  ).map((row) => {
    const key = String(row.key);
    const parsed = parseRegistryKey(key);
    return {
      key: cutMiddle(key),
      namespace: parsed?.namespace ?? null,
      object: parsed?.name ?? key,
      revisions: row.revisions,
      events: row.events,
      perMinute: null,
    };
  });
  return { sinceRevision, rows, bookkeepingRows, keys, prefixes, eventObjects };
}

/**
 * What writes a key, where the key alone says so. Leases are renewed by their holder: kubelets in
 * kube-node-lease (every 10 s), leader-elected controllers elsewhere (client-go leaderelection, every
 * 2 s). An Event is written by whoever reports on its involved object. Any other object is written
 * by its controller or its clients; `kubectl get … --show-managed-fields` names them.
 */
export function writerOfKey(key: string): string | null {
  const parsed = parseRegistryKey(key);
  if (!parsed?.name) return null;
  const where = parsed.namespace ? `${parsed.namespace}/${parsed.name}` : parsed.name;
  if (parsed.resource === 'leases' && parsed.group === 'coordination.k8s.io') {
    return parsed.namespace === 'kube-node-lease'
      ? `the kubelet of node ${parsed.name} (its node heartbeat Lease)`
      : `the holder of Lease ${where} (leader election)`;
  }
  if (parsed.resource === 'events') {
    const object = parsed.name.replace(/\.[0-9a-f]+$/, '');
    return `whatever reports Events about ${parsed.namespace ? `${parsed.namespace}/` : ''}${object}`;
  }
  return `the controller or client updating ${parsed.resource} ${where} (its managedFields name it)`;
}
