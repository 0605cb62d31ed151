import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { ProbeResult } from '../probe/etcd-probe.js';
import { setKnown, unknown } from './known.js';
import type { AgentParts, Collector } from './types.js';

const PROBE_DURATION = 'dqlite_probe_duration_seconds';
const PROBE_FAILURES = 'dqlite_probe_failures_total';
const PROBE_UP = 'dqlite_probe_up';
const PROBE_LAST_SUCCESS = 'dqlite_probe_last_success_timestamp_seconds';

export const metricNames = [PROBE_DURATION, PROBE_FAILURES, PROBE_UP, PROBE_LAST_SUCCESS];

/** The etcd v3 probe through kine: latency per operation, failures by reason. Empty when disabled. */
export function createProbeCollector(registry: Registry, sources: AgentParts): Collector {
  const probe = sources.probe;
  if (!probe) return { name: 'probe', update() {} };
  const registers = [registry];
  const duration = new Histogram({
    name: PROBE_DURATION,
    help: 'Latency of the probe put and get on its dedicated key, successful or not.',
    labelNames: ['operation'] as const,
    buckets: [...Array.from({ length: 14 }, (_, i) => 0.001 * 2 ** i), 30],
    registers,
  });
  const failures = new Counter({
    name: PROBE_FAILURES,
    help: 'Failed probe operations by reason: locked, timeout, unavailable, mismatch, other.',
    labelNames: ['operation', 'reason'] as const,
    registers,
  });
  const up = new Gauge({
    name: PROBE_UP,
    help: '1 when the last probe put and get both succeeded.',
    registers,
  });
  const lastSuccess = unknown(
    new Gauge({
      name: PROBE_LAST_SUCCESS,
      help: 'Unix time of the last successful probe round.',
      registers,
    }),
  );
  probe.on('result', (result: ProbeResult) => {
    duration.observe({ operation: result.operation }, result.seconds);
    if (result.failure) failures.inc({ operation: result.operation, reason: result.failure });
  });
  return {
    name: 'probe',
    update() {
      up.set(probe.up ? 1 : 0);
      setKnown(lastSuccess, probe.lastSuccessAt && probe.lastSuccessAt / 1000);
    },
  };
}
