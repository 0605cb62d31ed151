import { type Analysis, type Comparison, writeCandidates } from '@dqlite-analyzer/core';
import { Counter, Gauge, type Registry } from 'prom-client';
import { setKnown, unknown } from './known.js';
import type { AgentParts, Collector } from './types.js';

const RESOURCE_REVISIONS = 'dqlite_kine_resource_revisions_total';
const RESOURCE_WRITES = 'dqlite_kine_resource_writes';
const RESOURCE_RATE = 'dqlite_kine_resource_writes_per_minute';
const HOT_KEY_WRITES = 'dqlite_kine_hot_key_writes';
const HOT_KEY_RATE = 'dqlite_kine_hot_key_writes_per_minute';
const INTERVAL = 'dqlite_kine_writes_interval_seconds';

export const metricNames = [
  RESOURCE_REVISIONS,
  RESOURCE_WRITES,
  RESOURCE_RATE,
  HOT_KEY_WRITES,
  HOT_KEY_RATE,
  INTERVAL,
];

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
  const registers = [registry];
  const resourceLabels = ['resource'] as const;
  const keyLabels = ['key', 'resource', 'namespace', 'kind'] as const;
  const revisions = new Counter({
    name: RESOURCE_REVISIONS,
    help: `kine revisions written per storage prefix, counted at each analysed snapshot since the previous one (at most ${MAX_RESOURCES} prefixes, then other).`,
    labelNames: resourceLabels,
    registers,
  });
  const resourceWrites = new Gauge({
    name: RESOURCE_WRITES,
    help: `kine revisions written per storage prefix ${LATEST}.`,
    labelNames: resourceLabels,
    registers,
  });
  const resourceRate = new Gauge({
    name: RESOURCE_RATE,
    help: `kine revisions a minute per storage prefix ${LATEST}, over the interval from the snapshot names.`,
    labelNames: resourceLabels,
    registers,
  });
  const hotWrites = new Gauge({
    name: HOT_KEY_WRITES,
    help: `Revisions of the ${MAX_HOT_KEYS} keys (kind key or lease) or involved objects of Events (kind events) nearest to write-storm ${LATEST}.`,
    labelNames: keyLabels,
    registers,
  });
  const hotRate = new Gauge({
    name: HOT_KEY_RATE,
    help: `Revisions a minute of the same keys ${LATEST}.`,
    labelNames: keyLabels,
    registers,
  });
  const interval = unknown(
    new Gauge({
      name: INTERVAL,
      help: `Seconds between the two snapshots the write figures come from ${LATEST}.`,
      registers,
    }),
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
  let shown: Analysis | undefined;
  return {
    name: 'writes',
    update() {
      const analysis = sources.runner.latest;
      if (!analysis || analysis === shown) return;
      shown = analysis;
      resourceWrites.reset();
      resourceRate.reset();
      hotWrites.reset();
      hotRate.reset();
      setKnown(interval, analysis.writes?.intervalSeconds);
      const writes = analysis.writes;
      if (!writes) return;
      exportComparison(writes);
    },
  };

  function exportComparison(writes: Comparison): void {
    const byLabel = new Map<string, { revisions: number; perMinute: number | null }>();
    // Fastest first, so the first labels handed out go to the heaviest writers.
    for (const p of [...writes.writesByPrefix].sort((a, b) => b.revisions - a.revisions)) {
      const label = resourceLabel(p.prefix);
      const sum = byLabel.get(label) ?? { revisions: 0, perMinute: 0 };
      sum.revisions += p.revisions;
      sum.perMinute = p.perMinute === null || sum.perMinute === null ? null : sum.perMinute + p.perMinute;
      byLabel.set(label, sum);
    }
    for (const [resource, sum] of byLabel) {
      revisions.inc({ resource }, sum.revisions);
      resourceWrites.set({ resource }, sum.revisions);
      if (sum.perMinute !== null) resourceRate.set({ resource }, sum.perMinute);
    }
    if (writes.intervalSeconds === null) return;
    const hottest = writeCandidates(writes)
      .filter((w) => w.kind !== 'resource')
      .sort((a, b) => b.perMinute / b.threshold - a.perMinute / a.threshold || a.key.localeCompare(b.key))
      .slice(0, MAX_HOT_KEYS);
    for (const w of hottest) {
      const resource =
        w.kind === 'events' ? 'events' : (writes.writes.find((k) => k.key === w.key)?.prefix ?? '');
      const labels = { key: keyLabel(w.key), resource, namespace: w.namespace ?? '', kind: w.kind };
      hotWrites.set(labels, w.revisions);
      hotRate.set(labels, w.perMinute);
    }
  }
}
