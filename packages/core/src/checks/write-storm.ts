import type { Analysis, Comparison, Finding } from '../analysis-types.js';
import { formatCount, plural } from '../format.js';
import { parseRegistryKey } from '../k8s/keys.js';
import { isDns1123Label, isValidObjectName } from '../k8s/names.js';
import { isCut } from '../long-strings.js';
import { type Check, kineCopy } from './check.js';
import { distributionOf } from './commands.js';
import {
  CUT_KEY_VERIFY,
  notAValidName,
  pasteable,
  shellQuote,
  sqliteVerify,
  sqlQuote,
  type VerifyCopy,
} from './shell.js';
import { kubectlTarget } from './write-hot-spot.js';

// What "too fast" means, from what a healthy cluster writes. Its fastest writers are Leases: each
// kubelet renews its node Lease every 10 s (6/min: kubernetes/kubernetes pkg/kubelet/nodelease, a
// quarter of the 40 s lease), each leader-elected controller its Lease every 2 s (30/min:
// client-go tools/leaderelection RetryPeriod, kube-controller-manager's --leader-elect-retry-period).
// Nothing else has a reason to rewrite one object that often for minutes: a status changes when
// the state does. A crash loop does: a controller failing on every retry rewrites its status
// object or reports an Event about the same object each time (the incident: ~12 writes a minute,
// a Calico controller denied by RBAC). The figures are counts per key per minute between the two
// snapshots, so the same thresholds apply to `dqlite_kine_hot_key_writes_per_minute`.

/** A key other than a Lease (or the Events about one object) written this often per minute is a storm: a node heartbeat's rate. */
export const WRITE_STORM_KEY_PER_MINUTE = 6;
/** A Lease renewed this often per minute: twice the fastest healthy renewal (every 2 s). */
export const WRITE_STORM_LEASE_PER_MINUTE = 60;
/** Fewer revisions between the snapshots than this are a few status updates, whatever their rate. */
export const WRITE_STORM_MIN_REVISIONS = 20;
/**
 * One resource (other than leases, whose total grows with the node count) written this often per
 * minute: 5 a second, a whole client-go client's default rate limit (rest.Config QPS 5) on one
 * resource. A rollout of a few hundred pods stays below it over a snapshot interval.
 */
export const WRITE_STORM_RESOURCE_PER_MINUTE = 300;
/** Critical when a writer goes this many times over its threshold (a non-Lease key every second). */
export const WRITE_STORM_CRITICAL_FACTOR = 10;

/** One writer over its threshold. */
export interface StormWriter {
  kind: 'key' | 'lease' | 'events' | 'resource';
  /** The key, `/registry/events/<ns>/<object>` for Events, or the storage prefix for a resource. */
  key: string;
  namespace: string | null;
  writer: string | null;
  revisions: number;
  perMinute: number;
  threshold: number;
}

const isLease = (key: string) => {
  const parsed = parseRegistryKey(key);
  return parsed?.resource === 'leases' && parsed.group === 'coordination.k8s.io';
};

/** The threshold a key's rate is judged against (also used by the agent's hot-keys ranking). */
export function stormThresholdOfKey(key: string): number {
  return isLease(key) ? WRITE_STORM_LEASE_PER_MINUTE : WRITE_STORM_KEY_PER_MINUTE;
}

/**
 * Every writer the check judges, each with its threshold: keys (not Events), the Events about
 * each involved object, resources other than leases. Unsorted; empty when the interval is unknown.
 */
export function writeCandidates(writes: Comparison): StormWriter[] {
  if (writes.intervalSeconds === null) return [];
  const out: StormWriter[] = [];
  for (const k of writes.writes) {
    // Events are judged per involved object below: each retry may write a new Event key.
    if (k.resource === 'events' || k.perMinute === null) continue;
    out.push({
      kind: isLease(k.key) ? 'lease' : 'key',
      key: k.key,
      namespace: k.namespace,
      writer: k.writer,
      revisions: k.revisions,
      perMinute: k.perMinute,
      threshold: stormThresholdOfKey(k.key),
    });
  }
  for (const e of writes.eventObjects) {
    if (e.perMinute === null) continue;
    out.push({
      kind: 'events',
      key: e.key,
      namespace: e.namespace,
      writer: `whatever reports Events about ${e.namespace ? `${e.namespace}/` : ''}${e.object} (${e.events} Event keys)`,
      revisions: e.revisions,
      perMinute: e.perMinute,
      threshold: WRITE_STORM_KEY_PER_MINUTE,
    });
  }
  for (const p of writes.writesByPrefix) {
    if (p.resource === 'leases' || p.perMinute === null) continue;
    out.push({
      kind: 'resource',
      key: p.prefix,
      namespace: null,
      writer: null,
      revisions: p.revisions,
      perMinute: p.perMinute,
      threshold: WRITE_STORM_RESOURCE_PER_MINUTE,
    });
  }
  return out;
}

/** The rule, one writer at a time (the alert DqliteWriteStorm says the same in PromQL). */
export const isStorm = (w: StormWriter): boolean =>
  w.revisions >= WRITE_STORM_MIN_REVISIONS && w.perMinute >= w.threshold;

/** Every writer over its threshold, top writers first: keys and Events by rate, then resources. */
export function stormWriters(writes: Comparison): StormWriter[] {
  const rank = (w: StormWriter) => (w.kind === 'resource' ? 1 : 0);
  return writeCandidates(writes)
    .filter(isStorm)
    .sort((a, b) => rank(a) - rank(b) || b.perMinute - a.perMinute || a.key.localeCompare(b.key));
}

const rate = (perMinute: number) =>
  `${perMinute >= 10 ? formatCount(Math.round(perMinute)) : perMinute.toFixed(1)}/min`;

function label(w: StormWriter): string {
  if (w.kind === 'resource') return `/registry/${w.key}/ (all keys)`;
  if (w.kind === 'events') return `the Events about ${w.key.slice('/registry/events/'.length)}`;
  return w.key;
}

function verifyLine(copy: VerifyCopy, w: StormWriter, since: number): string {
  if (!pasteable(w.key)) return 'verify: none, the key holds characters that cannot be pasted on one line';
  if (isCut(w.key)) return CUT_KEY_VERIFY;
  return sqliteVerify(copy, verifySql(w, since), [w.revisions]);
}

function verifySql(w: StormWriter, since: number): string {
  const where =
    w.kind === 'resource'
      ? `substr(name, 1, ${`/registry/${w.key}/`.length}) = ${sqlQuote(`/registry/${w.key}/`)}`
      : w.kind === 'events'
        ? `rtrim(rtrim(name, '0123456789abcdef'), '.') = ${sqlQuote(w.key)} AND substr(name, 1, 17) = '/registry/events/'`
        : `name = ${sqlQuote(w.key)}`;
  return `SELECT count(*) FROM kine WHERE id > ${since} AND ${where}`;
}

/** Commands that show who writes, for the writer at the top; a name that is not valid gets none. */
export function findWriterCommands(w: StormWriter, kubectl: string): string[] {
  const parsed = w.kind === 'resource' ? null : parseRegistryKey(w.key);
  if ((w.kind === 'lease' || w.kind === 'events') && parsed?.name) {
    if (parsed.namespace === undefined || !isDns1123Label(parsed.namespace)) {
      return [notAValidName('namespace', parsed.namespace ?? '')];
    }
    const group = w.kind === 'lease' ? 'coordination.k8s.io' : '';
    const resource = w.kind === 'lease' ? 'leases' : 'pods';
    // The Events' involved object may be of any kind; a pod's name rules are the strictest we know.
    if (
      !pasteable(parsed.name) ||
      parsed.name.startsWith('-') ||
      !isValidObjectName(group, resource, parsed.name)
    ) {
      return [notAValidName(w.kind === 'lease' ? 'Lease name' : 'object name', parsed.name)];
    }
    const ns = `-n ${shellQuote(parsed.namespace)}`;
    return w.kind === 'lease'
      ? [`${kubectl} ${ns} get lease ${shellQuote(parsed.name)} -o jsonpath='{.spec.holderIdentity}{"\\n"}'`]
      : [
          `${kubectl} ${ns} get events --field-selector ${shellQuote(`involvedObject.name=${parsed.name}`)} --sort-by=.lastTimestamp`,
        ];
  }
  if (w.kind === 'key') {
    const target = kubectlTarget(w.key);
    if (typeof target === 'string') {
      return [
        `${kubectl} ${target} --show-managed-fields -o jsonpath='{range .metadata.managedFields[*]}{.manager}{" "}{.operation}{" "}{.time}{"\\n"}{end}'`,
      ];
    }
    if (target) return [notAValidName(target.invalid, w.key)];
  }
  return ['# look for the writer in the k8s-dqlite debug log (kine logs each write)'];
}

/** 11. One key, the Events about one object, or one resource is written faster than a healthy cluster writes. */
export const writeStormCheck: Check = {
  id: 'write-storm',
  run(analysis: Analysis): Finding[] {
    const writes = analysis.writes;
    if (!writes || writes.intervalSeconds === null) return [];
    const writers = stormWriters(writes);
    const top = writers[0];
    if (!top) return [];
    const d = distributionOf(analysis);
    const since = writes.older.currentRevision;
    const copy = kineCopy(analysis);
    const interval = `${Math.round(writes.intervalSeconds)} s between the two snapshots`;
    const where = top.namespace ? ` in namespace ${top.namespace}` : '';
    return [
      {
        id: 'write-storm',
        severity: writers.some((w) => w.perMinute >= WRITE_STORM_CRITICAL_FACTOR * w.threshold)
          ? 'critical'
          : 'warning',
        title:
          `${label(top)}${where} is written ${rate(top.perMinute)} (${plural(top.revisions, 'revision')} in ${interval})` +
          (top.writer ? `, by ${top.writer}` : ''),
        evidence: [
          ...writers.map(
            (w) =>
              `${label(w)}: ${plural(w.revisions, 'revision')} in ${interval} = ${rate(w.perMinute)}, threshold ${formatCount(w.threshold)}/min` +
              `${w.writer ? `; written by ${w.writer}` : ''}; ${verifyLine(copy, w, since)}`,
          ),
          `all writes: ${plural(writes.revisionsWritten, 'revision')} (kine's revision counter ${formatCount(since)} → ${formatCount(writes.newer.currentRevision)})` +
            `, ${formatCount(writes.retainedRows)} still attributed to a key, ${formatCount(writes.compactedRevisions)} compacted in between`,
          `interval: ${writes.intervalNote}`,
        ],
        remediation: [
          `# Find the writer of ${label(top)}:`,
          ...findWriterCommands(top, d.kubectl),
          '# Stop it (fix the RBAC or configuration it fails on, or scale it to zero), then watch the rate',
          '# fall in the next snapshot: dqlite-analyze <data dir> again after the next snapshot.',
        ].join('\n'),
        data: {
          key: top.key,
          kind: top.kind,
          namespace: top.namespace,
          writer: top.writer,
          revisions: top.revisions,
          perMinute: top.perMinute,
          threshold: top.threshold,
          intervalSeconds: writes.intervalSeconds,
          keys: writers.map((w) => w.key),
          perMinuteAll: writers.map((w) => w.perMinute),
          sinceRevision: since,
        },
      },
    ];
  },
};
