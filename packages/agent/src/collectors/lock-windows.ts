import { Counter, Histogram, type Registry } from 'prom-client';
import type { LockSignal, LockWindow, LockWindows, WindowSource } from '../lock/windows.js';
import { Gauges } from './gauges.js';
import type { AgentParts, Collector } from './types.js';

const SOURCES: readonly WindowSource[] = ['logs', 'probe'];
// Label values are capped: after this many distinct ones, new values are counted as "other".
const MAX_LABEL_VALUES = 50;

/** Lock errors and the windows they form, RBAC denials by service account. */
export function createLockWindowsCollector(registry: Registry, sources: AgentParts): Collector {
  const registers = [registry];
  const errors = new Counter({
    name: 'dqlite_lock_errors_total',
    help: '"database is locked" errors (logs) and failed or slow probes (probe), by source, database and key prefix.',
    labelNames: ['source', 'database', 'prefix'] as const,
    registers,
  });
  const tries = new Histogram({
    name: 'dqlite_lock_error_tries',
    help: 'Retries k8s-dqlite spent before giving up with "database is locked" (exec (try: N)); 500 is all of them.',
    labelNames: ['source'] as const,
    buckets: [1, 10, 50, 100, 250, 499, 500],
    registers,
  });
  const windows = new Counter({
    name: 'dqlite_lock_windows_total',
    help: 'Lock windows (lock errors closer together than the window gap), counted when they close.',
    labelNames: ['source'] as const,
    registers,
  });
  const duration = new Histogram({
    name: 'dqlite_lock_window_duration_seconds',
    help: 'Time from the first to the last lock error of a window; sub-second buckets, as k8s-dqlite cannot show them.',
    labelNames: ['source'] as const,
    // etcd's commit buckets, ExponentialBuckets(0.001, 2, 14), then minutes.
    buckets: [...Array.from({ length: 14 }, (_, i) => 0.001 * 2 ** i), 30, 60, 300],
    registers,
  });
  const windowErrors = new Histogram({
    name: 'dqlite_lock_window_errors',
    help: 'Lock errors per window.',
    labelNames: ['source'] as const,
    buckets: [1, 2, 5, 10, 20, 50, 100, 500, 1000],
    registers,
  });
  const duringSnapshot = new Counter({
    name: 'dqlite_lock_windows_during_snapshot_total',
    help: 'Lock windows that overlapped a snapshot write.',
    labelNames: ['source'] as const,
    registers,
  });
  const gauges = new Gauges<LockWindows>(registry);
  gauges.labelled(
    'dqlite_lock_window_open',
    '1 while a lock window is open for the source.',
    ['source'],
    (lockWindows) => {
      const open = new Set(
        lockWindows
          .recent()
          .filter((w) => w.open)
          .map((w) => w.source),
      );
      return SOURCES.map((source) => [{ source }, open.has(source) ? 1 : 0]);
    },
  );
  const forbidden = new Counter({
    name: 'dqlite_rbac_forbidden_total',
    help: 'RBAC "forbidden" denials in the followed logs, by service account (namespace/name).',
    labelNames: ['service_account'] as const,
    registers,
  });
  const lines = new Counter({
    name: 'dqlite_agent_log_lines_total',
    help: 'Log lines read by the log sources.',
    registers,
  });
  const capped = (seen: Set<string>, value: string) => {
    if (seen.has(value) || seen.size < MAX_LABEL_VALUES) {
      seen.add(value);
      return value;
    }
    return 'other';
  };
  const prefixes = new Set<string>();
  const accounts = new Set<string>();
  sources.windows.on('signal', (signal: LockSignal) => {
    errors.inc({ source: signal.source, database: signal.database, prefix: capped(prefixes, signal.prefix) });
    if (signal.tries !== undefined) tries.observe({ source: signal.source }, signal.tries);
  });
  sources.windows.on('close', (window: LockWindow) => {
    windows.inc({ source: window.source });
    duration.observe({ source: window.source }, (window.end - window.start) / 1000);
    windowErrors.observe({ source: window.source }, window.count);
    if (window.snapshot) duringSnapshot.inc({ source: window.source });
  });
  sources.logs.on('forbidden', (account: string) =>
    forbidden.inc({ service_account: capped(accounts, account) }),
  );
  for (const source of SOURCES) {
    windows.inc({ source }, 0);
    duringSnapshot.inc({ source }, 0);
  }
  let linesShown = 0;
  return {
    name: 'lock_windows',
    update() {
      lines.inc(sources.logs.lines - linesShown);
      linesShown = sources.logs.lines;
      gauges.update(sources.windows);
    },
  };
}
