import { Gauge, type Registry } from 'prom-client';
import { entriesPerSecond } from '../raft/segments.js';
import { setKnown, unknown } from './known.js';
import type { AgentParts, Collector } from './types.js';

const LAST_CLOSED_INDEX = 'dqlite_raft_last_closed_index';
const ENTRIES_RATE = 'dqlite_raft_entries_per_second';
const SEGMENTS = 'dqlite_raft_segments';
const SEGMENT_BYTES = 'dqlite_raft_segment_bytes';
const SNAPSHOT_FILES = 'dqlite_raft_snapshot_files';
const SNAPSHOT_BYTES = 'dqlite_raft_snapshot_files_bytes';

export const metricNames = [
  LAST_CLOSED_INDEX,
  ENTRIES_RATE,
  SEGMENTS,
  SEGMENT_BYTES,
  SNAPSHOT_FILES,
  SNAPSHOT_BYTES,
];

/** The rate is taken over the segments closed in this window. */
const RATE_WINDOW_MS = 15 * 60 * 1000;

/** The Raft log from file names and sizes alone: write rate, segments and snapshots on disk. */
export function createRaftLogCollector(registry: Registry, sources: AgentParts): Collector {
  const registers = [registry];
  const lastClosed = unknown(
    new Gauge({
      name: LAST_CLOSED_INDEX,
      help: 'Last index of the newest closed Raft segment (FIRST-LAST name); deriv() of it is the write rate.',
      registers,
    }),
  );
  const rate = new Gauge({
    name: ENTRIES_RATE,
    help: 'Raft entries per second over the segments closed in the last 15 minutes (0 when none closed).',
    registers,
  });
  const segments = new Gauge({
    name: SEGMENTS,
    help: 'Raft log segment files, by state (closed FIRST-LAST, open-N preallocated).',
    labelNames: ['state'] as const,
    registers,
  });
  const segmentBytes = new Gauge({
    name: SEGMENT_BYTES,
    help: 'Bytes of the Raft log segment files, by state.',
    labelNames: ['state'] as const,
    registers,
  });
  const snapshotFiles = new Gauge({
    name: SNAPSHOT_FILES,
    help: 'Snapshot data files in the data directory (raft keeps two; more means pruning is failing).',
    registers,
  });
  const snapshotBytes = new Gauge({
    name: SNAPSHOT_BYTES,
    help: 'Bytes of all snapshot data and .meta files in the data directory.',
    registers,
  });
  return {
    name: 'raft_log',
    update() {
      const log = sources.poller.raftLog;
      if (!log) return;
      setKnown(lastClosed, log.closed[log.closed.length - 1]?.last);
      rate.set(entriesPerSecond(log.closed, Date.now(), RATE_WINDOW_MS) ?? 0);
      segments.set({ state: 'closed' }, log.closed.length);
      segments.set({ state: 'open' }, log.openSegments);
      segmentBytes.set(
        { state: 'closed' },
        log.closed.reduce((sum, s) => sum + s.bytes, 0),
      );
      segmentBytes.set({ state: 'open' }, log.openBytes);
      snapshotFiles.set(log.snapshotFiles);
      snapshotBytes.set(log.snapshotBytes);
    },
  };
}
