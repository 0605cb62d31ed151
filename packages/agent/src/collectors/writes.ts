import { type Comparison, writeCandidates } from '@dqlite-analyzer/core';
import { Counter, type Registry } from 'prom-client';
import { Gauges, onChange } from './gauges.js';
import type { AgentParts, Collector } from './types.js';

/**
 * Storage prefixes with a label of their own, for the agent's lifetime: the first ones seen among
 * the fastest; every later one is counted as `other`, so a counter's label set never grows past
 * MAX_RESOURCES + 1 however the writers change.
 */
export const MAX_RESOURCES = 15;
/** Keys (or the Events about one object) exported per comparison, those closest to write-storm first. */
export const MAX_HOT_KEYS = 10;
/** A key longer than this is cut (middle `…`) in its label value: a hostile key costs no more. */
export const MAX_KEY_LABEL_CHARS = 256;
export const OTHER = 'other';

const LATEST = '(between the two newest analysed snapshots)';

function keyLabel(key: string): string {
  if (key.length <= MAX_KEY_LABEL_CHARS) return key;
  const half = Math.floor((MAX_KEY_LABEL_CHARS - 1) / 2);
  return `${key.slice(0, half)}…${key.slice(-half)}`;
}

/**
 * Who writes, from the core's comparison of each analysed snapshot with the one before it
 * (Analysis.writes): revisions per resource as a counter (each comparison adds the revisions
 * written since the previous one, so `rate()` of it is the write rate per resource), and, for the
 * latest comparison, per-minute figures of the resources and of the keys nearest to write-storm —
 * the same figures and thresholds the CLI's write-storm finding judges.
 */
export function createWritesCollector(registry: Registry, sources: AgentParts): Collector {
  const revisions = new Counter({
    name: 'dqlite_kine_resource_revisions_total',
    help: `kine revisions written per storage prefix, counted at each analysed snapshot since the previous one (at most ${MAX_RESOURCES} prefixes, then other).`,
    labelNames: ['resource'] as const,
    registers: [registry],
  });
  const gauges = new Gauges<LatestWrites>(registry);
  gauges.labelled(
    'dqlite_kine_resource_writes',
    `kine revisions written per storage prefix ${LATEST}.`,
    ['resource'],
    (latest) => latest.resources.map(({ resource, revisions }) => [{ resource }, revisions]),
  );
  gauges.labelled(
    'dqlite_kine_resource_writes_per_minute',
    `kine revisions a minute per storage prefix ${LATEST}, over the interval from the snapshot names.`,
    ['resource'],
    (latest) =>
      latest.resources.flatMap(({ resource, perMinute }) =>
        perMinute === null ? [] : [[{ resource }, perMinute] as const],
      ),
  );
  gauges.labelled(
    'dqlite_kine_hot_key_writes',
    `Revisions of the ${MAX_HOT_KEYS} keys (kind key or lease) or involved objects of Events (kind events) nearest to write-storm ${LATEST}.`,
    KEY_LABELS,
    (latest) => latest.hotKeys.map(({ labels, revisions }) => [labels, revisions]),
  );
  gauges.labelled(
    'dqlite_kine_hot_key_writes_per_minute',
    `Revisions a minute of the same keys ${LATEST}.`,
    KEY_LABELS,
    (latest) => latest.hotKeys.map(({ labels, perMinute }) => [labels, perMinute]),
  );
  gauges.value(
    'dqlite_kine_writes_interval_seconds',
    `Seconds between the two snapshots the write figures come from ${LATEST}.`,
    (latest) => latest.intervalSeconds,
  );
  const labelled = new Set<string>();
  const resourceLabel = (prefix: string): string => {
    if (labelled.has(prefix)) return prefix;
    if (labelled.size < MAX_RESOURCES) {
      labelled.add(prefix);
      return prefix;
    }
    return OTHER;
  };
  return {
    name: 'writes',
    update: onChange(
      () => sources.runner.latest,
      (analysis) => {
        const latest = latestWrites(analysis.writes, resourceLabel);
        for (const { resource, revisions: count } of latest.resources) revisions.inc({ resource }, count);
        gauges.update(latest);
      },
    ),
  };
}

const KEY_LABELS = ['key', 'resource', 'namespace', 'kind'] as const;
type KeyLabels = Record<(typeof KEY_LABELS)[number], string>;

/** What the gauges show of one comparison: per resource label, and the keys nearest to write-storm. */
interface LatestWrites {
  resources: { resource: string; revisions: number; perMinute: number | null }[];
  hotKeys: { labels: KeyLabels; revisions: number; perMinute: number }[];
  intervalSeconds: number | null | undefined;
}

function latestWrites(writes: Comparison | null, resourceLabel: (prefix: string) => string): LatestWrites {
  if (!writes) return { resources: [], hotKeys: [], intervalSeconds: undefined };
  const byLabel = new Map<string, { revisions: number; perMinute: number | null }>();
  // Fastest first, so the first labels handed out go to the heaviest writers.
  for (const p of [...writes.writesByPrefix].sort((a, b) => b.revisions - a.revisions)) {
    const label = resourceLabel(p.prefix);
    const sum = byLabel.get(label) ?? { revisions: 0, perMinute: 0 };
    sum.revisions += p.revisions;
    sum.perMinute = p.perMinute === null || sum.perMinute === null ? null : sum.perMinute + p.perMinute;
    byLabel.set(label, sum);
  }
  const resources = [...byLabel].map(([resource, sum]) => ({ resource, ...sum }));
  if (writes.intervalSeconds === null) return { resources, hotKeys: [], intervalSeconds: null };
  const hotKeys = writeCandidates(writes)
    .filter((w) => w.kind !== 'resource')
    .sort((a, b) => b.perMinute / b.threshold - a.perMinute / a.threshold || a.key.localeCompare(b.key))
    .slice(0, MAX_HOT_KEYS)
    .map((w) => {
      const resource =
        w.kind === 'events' ? 'events' : (writes.writes.find((k) => k.key === w.key)?.prefix ?? '');
      const labels = { key: keyLabel(w.key), resource, namespace: w.namespace ?? '', kind: w.kind };
      return { labels, revisions: w.revisions, perMinute: w.perMinute };
    });
  return { resources, hotKeys, intervalSeconds: writes.intervalSeconds };
}
