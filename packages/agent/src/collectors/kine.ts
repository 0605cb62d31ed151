import type { Analysis } from '@dqlite-analyzer/core';
import type { Registry } from 'prom-client';
import { cachedAnalysisCollector, Gauges } from './gauges.js';
import type { AgentParts, Collector } from './types.js';

/** Prefixes exported as label values: the largest ones; the rest stay in the JSON API. */
export const MAX_PREFIXES = 25;
const CACHED = '(cached: from the newest analysed snapshot)';

/** kine's revisions and rows, and the largest storage prefixes (bounded). */
export function createKineCollector(registry: Registry, sources: AgentParts): Collector {
  const gauges = new Gauges<Analysis>(registry);
  const kine = (name: string, help: string, read: (kine: NonNullable<Analysis['kine']>) => number | null) =>
    gauges.value(name, `${help} ${CACHED}`, (analysis) => (analysis.kine ? read(analysis.kine) : null));
  kine('dqlite_kine_current_revision', 'Current kine revision (highest row id).', (k) => k.currentRevision);
  kine(
    'dqlite_kine_compact_revision',
    'Revision of the last kine compaction (0 before the first).',
    (k) => k.compactRevision ?? 0,
  );
  kine('dqlite_kine_rows', 'Rows in the kine table.', (k) => k.rows);
  kine('dqlite_kine_live_keys', 'Keys whose latest row is not deleted.', (k) => k.liveKeys);
  kine('dqlite_kine_live_bytes', 'Key, value and old_value bytes of the live keys.', (k) => k.liveBytes);
  kine('dqlite_kine_history_rows', 'Superseded revisions not yet compacted.', (k) => k.historyRows);
  kine(
    'dqlite_kine_history_bytes',
    'Bytes of the superseded revisions not yet compacted.',
    (k) => k.historyBytes,
  );
  kine(
    'dqlite_kine_tombstone_rows',
    'Delete events (deleted = 1 rows) not yet compacted.',
    (k) => k.tombstones,
  );
  kine('dqlite_kine_gap_rows', 'gap-* filler rows left by kine watch loops.', (k) => k.gapRows);
  // Not fragmentation (the free-page share, as etcd's alert defines it): history rows raise it too.
  kine(
    'dqlite_kine_file_to_live_ratio',
    'Database file bytes / live kine bytes: how many times larger the file is than what is live.',
    (k) => k.fileToLiveRatio,
  );
  gauges.labelled(
    'dqlite_kine_prefix_rows',
    `kine rows per storage prefix, the ${MAX_PREFIXES} largest by rows ${CACHED}`,
    ['prefix'],
    (analysis) => largestPrefixes(analysis).map((usage) => [{ prefix: usage.prefix }, usage.rows]),
  );
  gauges.labelled(
    'dqlite_kine_prefix_bytes',
    `Live and history bytes per storage prefix, the ${MAX_PREFIXES} largest by rows ${CACHED}`,
    ['prefix'],
    (analysis) =>
      largestPrefixes(analysis).map((usage) => [
        { prefix: usage.prefix },
        usage.liveBytes + usage.historyBytes,
      ]),
  );
  return cachedAnalysisCollector('kine', sources, gauges);
}

function largestPrefixes(analysis: Analysis): Analysis['prefixes'] {
  // Coded against the field being optional: older cores have no per-prefix figures.
  if (!analysis.kine) return [];
  return [...(analysis.prefixes ?? [])].sort((a, b) => b.rows - a.rows).slice(0, MAX_PREFIXES);
}
