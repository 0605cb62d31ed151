import { Counter, Histogram, type Registry } from 'prom-client';
import type { SnapshotRecord } from '../watch.js';
import { Gauges } from './gauges.js';
import type { AgentParts, Collector } from './types.js';

/** The newest complete snapshot: name fields, sizes, write time, spacing. */
export function createSnapshotCollector(registry: Registry, sources: AgentParts): Collector {
  const registers = [registry];
  const gauges = new Gauges<AgentParts>(registry);
  gauges.value(
    'dqlite_snapshot_index',
    'Raft index of the newest complete snapshot.',
    (s) => s.watcher.latest?.index,
  );
  gauges.value(
    'dqlite_snapshot_term',
    'Raft term of the newest complete snapshot; a rise means a leader election happened.',
    (s) => s.watcher.latest?.term,
  );
  gauges.value(
    'dqlite_snapshot_size_bytes',
    'Size on disk of the newest complete snapshot (LZ4-compressed when raft compresses).',
    (s) => s.watcher.latest?.bytesOnDisk,
  );
  gauges.value(
    'dqlite_snapshot_uncompressed_size_bytes',
    'Uncompressed payload size of the newest analysed snapshot (cached from the last analysis).',
    (s) => s.runner.latest?.source.payloadBytes,
  );
  const write = new Histogram({
    name: 'dqlite_snapshot_write_duration_seconds',
    help: 'Time from the temporary snapshot file appearing to its rename, for snapshots written while the agent watched.',
    // etcd's snapshot buckets, ExponentialBuckets(.01, 2, 17): 10 ms to 655 s.
    buckets: Array.from({ length: 17 }, (_, i) => 0.01 * 2 ** i),
    registers,
  });
  gauges.value(
    'dqlite_snapshot_last_write_duration_seconds',
    'Write time of the newest snapshot written while the agent watched.',
    (s) => s.watcher.latest?.writeSeconds,
  );
  gauges.value(
    'dqlite_snapshot_interval_seconds',
    'Time between the two newest snapshots, from the timestamps in their names.',
    (s) => s.watcher.latest?.intervalSeconds,
  );
  gauges.value(
    'dqlite_snapshot_entries',
    'Raft entries between the two newest snapshots (difference of their indexes).',
    (s) => s.watcher.latest?.entriesSincePrevious,
  );
  gauges.value(
    'dqlite_snapshot_last_seen_timestamp_seconds',
    'Unix time at which the agent saw the newest snapshot complete.',
    (s) => s.watcher.latest && s.watcher.latest.seenAt / 1000,
  );
  const total = new Counter({
    name: 'dqlite_snapshots_total',
    help: 'Complete snapshots seen by the agent (the one present at start included).',
    registers,
  });
  total.inc(0);
  sources.watcher.on('snapshot', (record: SnapshotRecord) => {
    total.inc();
    if (record.writeSeconds !== undefined) write.observe(record.writeSeconds);
  });
  return { name: 'snapshot', update: () => gauges.update(sources) };
}
