import { Gauge, type Registry } from 'prom-client';
import type { AgentParts, Collector } from './types.js';

const LEASE_TRANSITIONS = 'dqlite_kine_lease_transitions';
const LEASE_REVISIONS = 'dqlite_kine_lease_retained_revisions';

export const metricNames = [LEASE_TRANSITIONS, LEASE_REVISIONS];

// Node heartbeats live in kube-node-lease, one Lease per node: not leader election, and unbounded.
const NODE_LEASES = 'kube-node-lease';
/** Leader-election leases exported as label values, most transitions first. */
export const MAX_LEASES = 30;

/** Leader-election Leases: holder changes (churn) and retained revisions (renewal writes). */
export function createLeasesCollector(registry: Registry, sources: AgentParts): Collector {
  const registers = [registry];
  const labelNames = ['namespace', 'lease'] as const;
  const transitions = new Gauge({
    name: LEASE_TRANSITIONS,
    help: 'leaseTransitions of a leader-election Lease: times it changed holder (cached: newest analysed snapshot).',
    labelNames,
    registers,
  });
  const revisions = new Gauge({
    name: LEASE_REVISIONS,
    help: 'Rows of a leader-election Lease kept in kine; each renewal writes one (cached: newest analysed snapshot).',
    labelNames,
    registers,
  });
  let shown: unknown;
  return {
    name: 'leases',
    update() {
      const analysis = sources.runner.latest;
      if (!analysis || analysis === shown) return;
      shown = analysis;
      transitions.reset();
      revisions.reset();
      const leases = (analysis.leases ?? [])
        .filter((lease) => lease.namespace !== NODE_LEASES)
        .sort((a, b) => (b.leaseTransitions ?? 0) - (a.leaseTransitions ?? 0))
        .slice(0, MAX_LEASES);
      for (const lease of leases) {
        const labels = { namespace: lease.namespace, lease: lease.name };
        if (lease.leaseTransitions !== null) transitions.set(labels, lease.leaseTransitions);
        revisions.set(labels, lease.retainedRevisions);
      }
    },
  };
}
