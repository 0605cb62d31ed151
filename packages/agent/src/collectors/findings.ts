import { Gauge, type Registry } from 'prom-client';
import type { AgentParts, Collector } from './types.js';

const FINDINGS = 'dqlite_findings';

export const metricNames = [FINDINGS];

const SEVERITIES = ['info', 'warning', 'critical'] as const;

/** How many findings the core's checks raised on the newest analysed snapshot, by severity. */
export function createFindingsCollector(registry: Registry, sources: AgentParts): Collector {
  const findings = new Gauge({
    name: FINDINGS,
    help: 'Findings of the checks on the newest analysed snapshot, by severity (details on /api/v1/analysis).',
    labelNames: ['severity'] as const,
    registers: [registry],
  });
  return {
    name: 'findings',
    update() {
      const analysis = sources.runner.latest;
      if (!analysis) return;
      for (const severity of SEVERITIES) {
        findings.set({ severity }, (analysis.findings ?? []).filter((f) => f.severity === severity).length);
      }
    },
  };
}
