import { Gauge, type Registry } from 'prom-client';
import * as analysis from './analysis.js';
import * as findings from './findings.js';
import * as journal from './journal.js';
import * as kine from './kine.js';
import * as leases from './leases.js';
import * as lockWindows from './lock-windows.js';
import * as node from './node.js';
import * as probe from './probe.js';
import * as raftLog from './raft-log.js';
import * as snapshot from './snapshot.js';
import * as storage from './storage.js';
import type { AgentParts, Collector, CollectorFactory } from './types.js';
import * as writes from './writes.js';

export type { AgentParts, Collector } from './types.js';

/**
 * Every collector, in the order their metrics appear; add a file, then a line here. A metric is
 * declared once, where its collector creates it (gauges.ts), and has a row in the README's table.
 */
export const COLLECTORS: readonly CollectorFactory[] = [
  snapshot.createSnapshotCollector,
  storage.createStorageCollector,
  kine.createKineCollector,
  writes.createWritesCollector,
  leases.createLeasesCollector,
  findings.createFindingsCollector,
  analysis.createAnalysisCollector,
  lockWindows.createLockWindowsCollector,
  journal.createJournalCollector,
  probe.createProbeCollector,
  raftLog.createRaftLogCollector,
  node.createNodeCollector,
];

/**
 * Create every collector on `registry`. The returned function runs before each scrape; a failing
 * collector is reported as 0 in dqlite_agent_collector_success and never blanks the scrape.
 */
export function registerCollectors(
  registry: Registry,
  sources: AgentParts,
  onError?: (error: Error) => void,
) {
  const collectors: Collector[] = COLLECTORS.map((factory) => factory(registry, sources));
  const success = new Gauge({
    name: 'dqlite_agent_collector_success',
    help: '1 when the collector updated its metrics for this scrape.',
    labelNames: ['collector'] as const,
    registers: [registry],
  });
  const duration = new Gauge({
    name: 'dqlite_agent_collector_duration_seconds',
    help: 'Time the collector took to update its metrics for this scrape.',
    labelNames: ['collector'] as const,
    registers: [registry],
  });
  return function updateAll(): void {
    for (const collector of collectors) {
      const started = performance.now();
      let ok = 1;
      try {
        collector.update();
      } catch (error) {
        ok = 0;
        onError?.(error as Error);
      }
      success.set({ collector: collector.name }, ok);
      duration.set({ collector: collector.name }, (performance.now() - started) / 1000);
    }
  };
}
