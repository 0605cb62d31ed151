import type { Registry } from 'prom-client';
import type { AnalysisRunner } from '../analysis-runner.js';
import type { FilesystemPoller } from '../filesystem-poller.js';
import type { JournalSource } from '../lock/journal-source.js';
import type { LogSink } from '../lock/log-sink.js';
import type { LockWindows } from '../lock/windows.js';
import type { EtcdProbe } from '../probe/etcd-probe.js';
import type { SnapshotWatcher } from '../watch.js';

/** The agent's running parts (watcher, runner, log followers, poller, probe) the collectors and /readyz read; each keeps its own latest figures. */
export interface AgentParts {
  version: string;
  watcher: SnapshotWatcher;
  runner: AnalysisRunner;
  windows: LockWindows;
  logs: LogSink;
  /** The journalctl follower; undefined when no journal unit is configured. */
  journal: JournalSource | undefined;
  poller: FilesystemPoller;
  probe: EtcdProbe | undefined;
}

/**
 * One collector: its metrics are created at construction; `update()` runs at scrape time and only
 * copies figures the agent already holds (no I/O, no analysis). Event-driven metrics (histograms,
 * counters) are fed by listeners registered at construction.
 */
export interface Collector {
  name: string;
  update(): void;
}

export type CollectorFactory = (registry: Registry, sources: AgentParts) => Collector;
