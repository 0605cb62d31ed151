import { Gauge, type Registry } from 'prom-client';
import { setKnown, unknown } from './known.js';
import type { AgentParts, Collector } from './types.js';

const KINE_CURRENT = 'dqlite_kine_current_revision';
const KINE_COMPACT = 'dqlite_kine_compact_revision';
const KINE_ROWS = 'dqlite_kine_rows';
const KINE_LIVE_KEYS = 'dqlite_kine_live_keys';
const KINE_LIVE_BYTES = 'dqlite_kine_live_bytes';
const KINE_HISTORY_ROWS = 'dqlite_kine_history_rows';
const KINE_HISTORY_BYTES = 'dqlite_kine_history_bytes';
const KINE_TOMBSTONES = 'dqlite_kine_tombstone_rows';
const KINE_GAP_ROWS = 'dqlite_kine_gap_rows';
const KINE_FILE_TO_LIVE = 'dqlite_kine_file_to_live_ratio';
const PREFIX_ROWS = 'dqlite_kine_prefix_rows';
const PREFIX_BYTES = 'dqlite_kine_prefix_bytes';

export const metricNames = [
  KINE_CURRENT,
  KINE_COMPACT,
  KINE_ROWS,
  KINE_LIVE_KEYS,
  KINE_LIVE_BYTES,
  KINE_HISTORY_ROWS,
  KINE_HISTORY_BYTES,
  KINE_TOMBSTONES,
  KINE_GAP_ROWS,
  KINE_FILE_TO_LIVE,
  PREFIX_ROWS,
  PREFIX_BYTES,
];

/** Prefixes exported as label values: the largest ones; the rest stay in the JSON API. */
export const MAX_PREFIXES = 25;
const CACHED = '(cached: from the newest analysed snapshot)';

/** kine's revisions and rows, and the largest storage prefixes (bounded). */
export function createKineCollector(registry: Registry, sources: AgentParts): Collector {
  const registers = [registry];
  const make = (name: string, help: string) =>
    unknown(new Gauge({ name, help: `${help} ${CACHED}`, registers }));
  const current = make(KINE_CURRENT, 'Current kine revision (highest row id).');
  const compact = make(KINE_COMPACT, 'Revision of the last kine compaction (0 before the first).');
  const rows = make(KINE_ROWS, 'Rows in the kine table.');
  const liveKeys = make(KINE_LIVE_KEYS, 'Keys whose latest row is not deleted.');
  const liveBytes = make(KINE_LIVE_BYTES, 'Key, value and old_value bytes of the live keys.');
  const historyRows = make(KINE_HISTORY_ROWS, 'Superseded revisions not yet compacted.');
  const historyBytes = make(KINE_HISTORY_BYTES, 'Bytes of the superseded revisions not yet compacted.');
  const tombstones = make(KINE_TOMBSTONES, 'Delete events (deleted = 1 rows) not yet compacted.');
  const gapRows = make(KINE_GAP_ROWS, 'gap-* filler rows left by kine watch loops.');
  // Not fragmentation (the free-page share, as etcd's alert defines it): history rows raise it too.
  const fileToLive = make(
    KINE_FILE_TO_LIVE,
    'Database file bytes / live kine bytes: how many times larger the file is than what is live.',
  );
  const prefixLabels = ['prefix'] as const;
  const prefixRows = new Gauge({
    name: PREFIX_ROWS,
    help: `kine rows per storage prefix, the ${MAX_PREFIXES} largest by rows ${CACHED}`,
    labelNames: prefixLabels,
    registers,
  });
  const prefixBytes = new Gauge({
    name: PREFIX_BYTES,
    help: `Live and history bytes per storage prefix, the ${MAX_PREFIXES} largest by rows ${CACHED}`,
    labelNames: prefixLabels,
    registers,
  });
  let shown: unknown;
  return {
    name: 'kine',
    update() {
      const analysis = sources.runner.latest;
      if (!analysis || analysis === shown) return;
      shown = analysis;
      const kine = analysis.kine;
      prefixRows.reset();
      prefixBytes.reset();
      if (!kine) return;
      current.set(kine.currentRevision);
      compact.set(kine.compactRevision ?? 0);
      rows.set(kine.rows);
      liveKeys.set(kine.liveKeys);
      liveBytes.set(kine.liveBytes);
      historyRows.set(kine.historyRows);
      historyBytes.set(kine.historyBytes);
      tombstones.set(kine.tombstones);
      gapRows.set(kine.gapRows);
      setKnown(fileToLive, kine.fileToLiveRatio);
      // Coded against the field being optional: older cores have no per-prefix figures.
      const prefixes = [...(analysis.prefixes ?? [])].sort((a, b) => b.rows - a.rows).slice(0, MAX_PREFIXES);
      for (const usage of prefixes) {
        prefixRows.set({ prefix: usage.prefix }, usage.rows);
        prefixBytes.set({ prefix: usage.prefix }, usage.liveBytes + usage.historyBytes);
      }
    },
  };
}
