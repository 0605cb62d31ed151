import { EventEmitter } from 'node:events';
import { existsSync, type Stats, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { type DataDirListing, readDataDir, type SnapshotFiles } from '@dqlite-analyzer/core';
import { type FSWatcher, watch } from 'chokidar';
import { type RaftLogListing, readRaftLog } from './raft/segments.js';
import { SnapshotTiming } from './snapshot-timing.js';

/** A complete snapshot the agent has seen, with what can be known without reading it. */
export interface SnapshotRecord {
  file: string;
  dataFile: string;
  term: number;
  index: number;
  bytesOnDisk: number;
  /** Seconds from the temporary file's creation to its rename; only for writes seen live. */
  writeSeconds: number | undefined;
  /** Seconds since the previous snapshot, from the libuv timestamps in the two names. */
  intervalSeconds: number | undefined;
  /** Raft entries since the previous snapshot (index difference). */
  entriesSincePrevious: number | undefined;
  /** Epoch ms when the agent saw it complete. */
  seenAt: number;
}

export interface SnapshotWatcherOptions {
  dataDir: string;
  /** How often to check that the directory still exists and to rescan it (ms). */
  checkMs?: number;
  /** Delay that folds a burst of events into one rescan (ms). */
  settleMs?: number;
  onError?: (error: Error) => void;
}

/**
 * Watches the data directory: times snapshot writes from raw events, rescans the listing (with
 * the core's readDataDir, and the Raft log's files from the same readdir) after changes, and emits 'snapshot' (SnapshotRecord) for each newer
 * complete snapshot and 'listing' (DataDirListing) after each rescan. At start the newest
 * snapshot already present is reported. Never writes to the directory.
 */
export class SnapshotWatcher extends EventEmitter {
  readonly timing = new SnapshotTiming();
  private watcher: FSWatcher | undefined;
  private checkTimer: NodeJS.Timeout | undefined;
  private settleTimer: NodeJS.Timeout | undefined;
  private scanning = false;
  private rescanAgain = false;
  private stopped = true;
  /** Newest complete snapshot seen. */
  latest: SnapshotRecord | undefined;
  listing: DataDirListing | undefined;
  /** The Raft log's segments and snapshot files, from the same listing. */
  raftLog: RaftLogListing | undefined;
  /** Whether the directory exists and is being watched. */
  watching = false;
  scans = 0;
  scanErrors = 0;

  constructor(private readonly options: SnapshotWatcherOptions) {
    super();
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.ensureWatching();
    this.checkTimer = setInterval(() => void this.ensureWatching(), this.options.checkMs ?? 5000);
    this.checkTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.checkTimer) clearInterval(this.checkTimer);
    if (this.settleTimer) clearTimeout(this.settleTimer);
    await this.closeWatcher();
  }

  // The directory can vanish (snap refresh, remount) and come back: re-arm the watcher when it does.
  private async ensureWatching(): Promise<void> {
    if (this.stopped) return;
    const present = existsSync(this.options.dataDir);
    if (!present && this.watcher) await this.closeWatcher();
    if (present && !this.watcher) this.openWatcher();
    if (present) this.scheduleRescan(0);
  }

  private openWatcher(): void {
    const dir = this.options.dataDir;
    const watcher = watch(dir, {
      depth: 0,
      ignoreInitial: true,
      persistent: true,
      // dqlite appends to its open segment on every Raft entry: hundreds of change events a second
      // that chokidar would stat one by one. Only snapshot files matter here.
      ignored: (path: string) => !isSnapshotRelated(basename(path)) && path !== dir,
    });
    watcher.on('raw', (_event, path) => {
      const name = basename(String(path));
      if (!isSnapshotRelated(name)) return;
      const file = statOrUndefined(join(dir, name));
      const write = this.timing.event(name, Date.now(), file !== undefined, file);
      if (write || name.startsWith('snapshot-')) this.scheduleRescan();
    });
    watcher.on('all', (_event, path) => {
      if (basename(path).startsWith('snapshot-')) this.scheduleRescan();
    });
    watcher.on('error', (error) => {
      this.options.onError?.(error as Error);
      void this.closeWatcher();
    });
    this.watcher = watcher;
    this.watching = true;
  }

  private async closeWatcher(): Promise<void> {
    const watcher = this.watcher;
    this.watcher = undefined;
    this.watching = false;
    await watcher?.close().catch(() => undefined);
  }

  private scheduleRescan(delay = this.options.settleMs ?? 100): void {
    if (this.settleTimer) return;
    this.settleTimer = setTimeout(() => {
      this.settleTimer = undefined;
      void this.rescan();
    }, delay);
    this.settleTimer.unref();
  }

  /** Re-read the listing and report a newer complete snapshot; one scan at a time. */
  async rescan(): Promise<void> {
    if (this.scanning) {
      this.rescanAgain = true;
      return;
    }
    this.scanning = true;
    try {
      do {
        this.rescanAgain = false;
        await this.scanOnce();
      } while (this.rescanAgain && !this.stopped);
    } finally {
      this.scanning = false;
    }
  }

  private async scanOnce(): Promise<void> {
    const dir = this.options.dataDir;
    let listing: DataDirListing;
    try {
      // One listing a scan, for the snapshots and for the Raft log.
      const names = await readdir(dir);
      [listing, this.raftLog] = await Promise.all([readDataDir(dir, names), readRaftLog(dir, names)]);
    } catch (error) {
      // Missing or unreadable for now: the periodic check tries again; no figures rather than old ones.
      this.scanErrors += 1;
      this.raftLog = undefined;
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.options.onError?.(error as Error);
      return;
    }
    this.scans += 1;
    this.listing = listing;
    this.emit('listing', listing);
    const newest = listing.snapshots[0];
    if (!newest || (this.latest && !isNewer(newest, this.latest))) return;
    const previous = listing.snapshots[1];
    const name = basename(newest.dataFile);
    // Raw events can be coalesced or missed; the file's own times still tell a live write.
    const write =
      this.timing.writeOf(name) ??
      this.timing.event(name, Date.now(), true, statOrUndefined(newest.dataFile));
    const interval = previous ? (newest.name.timestampMs - previous.name.timestampMs) / 1000 : undefined;
    const record: SnapshotRecord = {
      file: name,
      dataFile: newest.dataFile,
      term: newest.name.term,
      index: newest.name.index,
      bytesOnDisk: newest.bytesOnDisk,
      writeSeconds: write ? (write.finishedAt - write.startedAt) / 1000 : undefined,
      // Timestamps are libuv uptime milliseconds: a restart of the node resets them.
      intervalSeconds: interval !== undefined && interval >= 0 ? interval : undefined,
      entriesSincePrevious: previous ? newest.name.index - previous.name.index : undefined,
      seenAt: Date.now(),
    };
    this.latest = record;
    this.emit('snapshot', record);
  }
}

function isNewer(files: SnapshotFiles, record: SnapshotRecord): boolean {
  const { term, index } = files.name;
  return term > record.term || (term === record.term && index > record.index);
}

function isSnapshotRelated(name: string): boolean {
  return name.startsWith('snapshot-') || name.startsWith('tmp-');
}

// One stat per raw event: a directory with only snapshot and segment files sees a few a minute.
function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
