import type { Registry } from 'prom-client';
import { entriesPerSecond } from '../raft/segments.js';
import { Gauges } from './gauges.js';
import type { AgentParts, Collector } from './types.js';

/** The rate is taken over the segments closed in this window. */
const RATE_WINDOW_MS = 15 * 60 * 1000;

/**
 * The Raft log from file names and sizes alone: write rate, segments and snapshots on disk. No
 * sample while the watcher has no listing (the data directory is gone for now).
 */
export function createRaftLogCollector(registry: Registry, sources: AgentParts): Collector {
  const gauges = new Gauges<AgentParts['watcher']['raftLog']>(registry);
  gauges.value(
    'dqlite_raft_last_closed_index',
    'Last index of the newest closed Raft segment (FIRST-LAST name); deriv() of it is the write rate.',
    (log) => log?.closed[log.closed.length - 1]?.last,
  );
  gauges.value(
    'dqlite_raft_entries_per_second',
    'Raft entries per second over the segments closed in the last 15 minutes (0 when none closed).',
    (log) => log && (entriesPerSecond(log.closed, Date.now(), RATE_WINDOW_MS) ?? 0),
  );
  gauges.labelled(
    'dqlite_raft_segments',
    'Raft log segment files, by state (closed FIRST-LAST, open-N preallocated).',
    ['state'],
    (log) =>
      log
        ? [
            [{ state: 'closed' }, log.closed.length],
            [{ state: 'open' }, log.openSegments],
          ]
        : [],
  );
  gauges.labelled(
    'dqlite_raft_segment_bytes',
    'Bytes of the Raft log segment files, by state.',
    ['state'],
    (log) =>
      log
        ? [
            [{ state: 'closed' }, log.closed.reduce((sum, s) => sum + s.bytes, 0)],
            [{ state: 'open' }, log.openBytes],
          ]
        : [],
  );
  gauges.value(
    'dqlite_raft_snapshot_files',
    'Snapshot data files in the data directory (raft keeps two; more means pruning is failing).',
    (log) => log?.snapshotFiles,
  );
  gauges.value(
    'dqlite_raft_snapshot_files_bytes',
    'Bytes of all snapshot data and .meta files in the data directory.',
    (log) => log?.snapshotBytes,
  );
  return { name: 'raft_log', update: () => gauges.update(sources.watcher.raftLog) };
}
