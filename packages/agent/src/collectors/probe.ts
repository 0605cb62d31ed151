import { Counter, Histogram, type Registry } from 'prom-client';
import type { EtcdProbe, ProbeResult } from '../probe/etcd-probe.js';
import { Gauges } from './gauges.js';
import type { AgentParts, Collector } from './types.js';

/** The etcd v3 probe through kine: latency per operation, failures by reason. Empty when disabled. */
export function createProbeCollector(registry: Registry, sources: AgentParts): Collector {
  const probe = sources.probe;
  if (!probe) return { name: 'probe', update() {} };
  const registers = [registry];
  const gauges = new Gauges<EtcdProbe>(registry);
  const duration = new Histogram({
    name: 'dqlite_probe_duration_seconds',
    help: 'Latency of the probe put and get on its dedicated key, successful or not.',
    labelNames: ['operation'] as const,
    buckets: [...Array.from({ length: 14 }, (_, i) => 0.001 * 2 ** i), 30],
    registers,
  });
  const failures = new Counter({
    name: 'dqlite_probe_failures_total',
    help: 'Failed probe operations by reason: locked, timeout, unavailable, mismatch, other.',
    labelNames: ['operation', 'reason'] as const,
    registers,
  });
  gauges.value('dqlite_probe_up', '1 when the last probe put and get both succeeded.', (p) => (p.up ? 1 : 0));
  gauges.value(
    'dqlite_probe_last_success_timestamp_seconds',
    'Unix time of the last successful probe round.',
    (p) => p.lastSuccessAt && p.lastSuccessAt / 1000,
  );
  probe.on('result', (result: ProbeResult) => {
    duration.observe({ operation: result.operation }, result.seconds);
    if (result.failure) failures.inc({ operation: result.operation, reason: result.failure });
  });
  return { name: 'probe', update: () => gauges.update(probe) };
}
