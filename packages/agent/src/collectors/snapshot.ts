import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { SnapshotRecord } from '../watch.js';
import { setKnown, unknown } from './known.js';
import type { AgentParts, Collector } from './types.js';

const SNAPSHOT_INDEX = 'dqlite_snapshot_index';
const SNAPSHOT_TERM = 'dqlite_snapshot_term';
const SNAPSHOT_SIZE = 'dqlite_snapshot_size_bytes';
const SNAPSHOT_UNCOMPRESSED = 'dqlite_snapshot_uncompressed_size_bytes';
const SNAPSHOT_WRITE = 'dqlite_snapshot_write_duration_seconds';
const SNAPSHOT_LAST_WRITE = 'dqlite_snapshot_last_write_duration_seconds';
const SNAPSHOT_INTERVAL = 'dqlite_snapshot_interval_seconds';
const SNAPSHOT_ENTRIES = 'dqlite_snapshot_entries';
const SNAPSHOT_TIMESTAMP = 'dqlite_snapshot_last_seen_timestamp_seconds';
const SNAPSHOTS_TOTAL = 'dqlite_snapshots_total';

export const metricNames = [
  SNAPSHOT_INDEX,
  SNAPSHOT_TERM,
  SNAPSHOT_SIZE,
  SNAPSHOT_UNCOMPRESSED,
  SNAPSHOT_WRITE,
  SNAPSHOT_LAST_WRITE,
  SNAPSHOT_INTERVAL,
  SNAPSHOT_ENTRIES,
  SNAPSHOT_TIMESTAMP,
  SNAPSHOTS_TOTAL,
];

/** The newest complete snapshot: name fields, sizes, write time, spacing. */
export function createSnapshotCollector(registry: Registry, sources: AgentParts): Collector {
  const registers = [registry];
  const index = unknown(
    new Gauge({
      name: SNAPSHOT_INDEX,
      help: 'Raft index of the newest complete snapshot.',
      registers,
    }),
  );
  const term = unknown(
    new Gauge({
      name: SNAPSHOT_TERM,
      help: 'Raft term of the newest complete snapshot; a rise means a leader election happened.',
      registers,
    }),
  );
  const size = unknown(
    new Gauge({
      name: SNAPSHOT_SIZE,
      help: 'Size on disk of the newest complete snapshot (LZ4-compressed when raft compresses).',
      registers,
    }),
  );
  const uncompressed = unknown(
    new Gauge({
      name: SNAPSHOT_UNCOMPRESSED,
      help: 'Uncompressed payload size of the newest analysed snapshot (cached from the last analysis).',
      registers,
    }),
  );
  const write = new Histogram({
    name: SNAPSHOT_WRITE,
    help: 'Time from the temporary snapshot file appearing to its rename, for snapshots written while the agent watched.',
    // etcd's snapshot buckets, ExponentialBuckets(.01, 2, 17): 10 ms to 655 s.
    buckets: Array.from({ length: 17 }, (_, i) => 0.01 * 2 ** i),
    registers,
  });
  const lastWrite = unknown(
    new Gauge({
      name: SNAPSHOT_LAST_WRITE,
      help: 'Write time of the newest snapshot written while the agent watched.',
      registers,
    }),
  );
  const interval = unknown(
    new Gauge({
      name: SNAPSHOT_INTERVAL,
      help: 'Time between the two newest snapshots, from the timestamps in their names.',
      registers,
    }),
  );
  const entries = unknown(
    new Gauge({
      name: SNAPSHOT_ENTRIES,
      help: 'Raft entries between the two newest snapshots (difference of their indexes).',
      registers,
    }),
  );
  const seen = unknown(
    new Gauge({
      name: SNAPSHOT_TIMESTAMP,
      help: 'Unix time at which the agent saw the newest snapshot complete.',
      registers,
    }),
  );
  const total = new Counter({
    name: SNAPSHOTS_TOTAL,
    help: 'Complete snapshots seen by the agent (the one present at start included).',
    registers,
  });
  total.inc(0);
  sources.watcher.on('snapshot', (record: SnapshotRecord) => {
    total.inc();
    if (record.writeSeconds !== undefined) write.observe(record.writeSeconds);
  });
  return {
    name: 'snapshot',
    update() {
      const latest = sources.watcher.latest;
      setKnown(index, latest?.index);
      setKnown(term, latest?.term);
      setKnown(size, latest?.bytesOnDisk);
      setKnown(seen, latest && latest.seenAt / 1000);
      setKnown(lastWrite, latest?.writeSeconds);
      setKnown(interval, latest?.intervalSeconds);
      setKnown(entries, latest?.entriesSincePrevious);
      setKnown(uncompressed, sources.runner.latest?.source.payloadBytes);
    },
  };
}
