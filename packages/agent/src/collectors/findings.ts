import type { Analysis } from '@dqlite-analyzer/core';
import type { Registry } from 'prom-client';
import { cachedAnalysisCollector, Gauges } from './gauges.js';
import type { AgentParts, Collector } from './types.js';

const SEVERITIES = ['info', 'warning', 'critical'] as const;

/** How many findings the core's checks raised on the newest analysed snapshot, by severity. */
export function createFindingsCollector(registry: Registry, sources: AgentParts): Collector {
  const gauges = new Gauges<Analysis>(registry);
  gauges.labelled(
    'dqlite_findings',
    'Findings of the checks on the newest analysed snapshot, by severity (details on /api/v1/analysis).',
    ['severity'],
    (analysis) =>
      SEVERITIES.map((severity) => [
        { severity },
        (analysis.findings ?? []).filter((f) => f.severity === severity).length,
      ]),
  );
  return cachedAnalysisCollector('findings', sources, gauges);
}
