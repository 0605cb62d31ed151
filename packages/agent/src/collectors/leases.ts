import type { Analysis, LeaseRecord } from '@dqlite-analyzer/core';
import type { Registry } from 'prom-client';
import { cachedAnalysisCollector, Gauges } from './gauges.js';
import type { AgentParts, Collector } from './types.js';

// Node heartbeats live in kube-node-lease, one Lease per node: not leader election, and unbounded.
const NODE_LEASES = 'kube-node-lease';
/** Leader-election leases exported as label values, most transitions first. */
export const MAX_LEASES = 30;

/** Leader-election Leases: holder changes (churn) and retained revisions (renewal writes). */
export function createLeasesCollector(registry: Registry, sources: AgentParts): Collector {
  const gauges = new Gauges<Analysis>(registry);
  const labelsOf = (lease: LeaseRecord) => ({ namespace: lease.namespace, lease: lease.name });
  gauges.labelled(
    'dqlite_kine_lease_transitions',
    'leaseTransitions of a leader-election Lease: times it changed holder (cached: newest analysed snapshot).',
    ['namespace', 'lease'],
    (analysis) =>
      electionLeases(analysis).flatMap((lease) =>
        lease.leaseTransitions === null ? [] : [[labelsOf(lease), lease.leaseTransitions] as const],
      ),
  );
  gauges.labelled(
    'dqlite_kine_lease_retained_revisions',
    'Rows of a leader-election Lease kept in kine; each renewal writes one (cached: newest analysed snapshot).',
    ['namespace', 'lease'],
    (analysis) => electionLeases(analysis).map((lease) => [labelsOf(lease), lease.retainedRevisions]),
  );
  return cachedAnalysisCollector('leases', sources, gauges);
}

function electionLeases(analysis: Analysis): LeaseRecord[] {
  return (analysis.leases ?? [])
    .filter((lease) => lease.namespace !== NODE_LEASES)
    .sort((a, b) => (b.leaseTransitions ?? 0) - (a.leaseTransitions ?? 0))
    .slice(0, MAX_LEASES);
}
