import { realpath, statfs } from 'node:fs/promises';
import si from 'systeminformation';
import { type RaftLogListing, readRaftLog } from './raft/segments.js';

/** The filesystem holding the data directory. */
export interface FilesystemFigures {
  mount: string;
  sizeBytes: number;
  availableBytes: number;
}

export interface DataDirPollerOptions {
  dataDir: string;
  /** The agent's temp dir, whose free space bounds the databases it can copy. */
  tempDir?: string;
  intervalMs: number;
  onError?: (error: Error) => void;
}

/**
 * Refreshes, on a timer and never on the scrape path, the Raft log listing (names and sizes),
 * the free space of the data directory's filesystem (systeminformation runs `df`, a subprocess)
 * and that of the temp dir (statfs).
 */
export class DataDirPoller {
  private timer: NodeJS.Timeout | undefined;
  private busy: Promise<void> | undefined;
  raftLog: RaftLogListing | undefined;
  filesystem: FilesystemFigures | undefined;
  /** Bytes available to unprivileged users where the private copies go (what the core checks). */
  tempFreeBytes: number | undefined;
  lastPollAt: number | undefined;

  constructor(private readonly options: DataDirPollerOptions) {}

  start(): void {
    void this.poll();
    this.timer = setInterval(() => void this.poll(), this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.busy;
  }

  /** One refresh; concurrent calls share it. */
  poll(): Promise<void> {
    this.busy ??= this.refresh().finally(() => {
      this.busy = undefined;
    });
    return this.busy;
  }

  private async refresh(): Promise<void> {
    try {
      this.raftLog = await readRaftLog(this.options.dataDir);
    } catch (error) {
      // Gone for now: report nothing rather than last minute's figures.
      this.raftLog = undefined;
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.options.onError?.(error as Error);
    }
    try {
      this.filesystem = await readFilesystem(this.options.dataDir);
    } catch (error) {
      this.filesystem = undefined;
      this.options.onError?.(error as Error);
    }
    if (this.options.tempDir) {
      try {
        const stats = await statfs(this.options.tempDir);
        this.tempFreeBytes = stats.bavail * stats.bsize;
      } catch (error) {
        this.tempFreeBytes = undefined;
        this.options.onError?.(error as Error);
      }
    }
    this.lastPollAt = Date.now();
  }
}

/** Size and free bytes of the filesystem that holds `path` (longest matching mount point). */
export async function readFilesystem(path: string): Promise<FilesystemFigures | undefined> {
  const real = await realpath(path).catch(() => undefined);
  if (!real) return undefined;
  const mounts = await si.fsSize();
  let best: (typeof mounts)[number] | undefined;
  for (const mount of mounts) {
    const prefix = mount.mount.endsWith('/') ? mount.mount : `${mount.mount}/`;
    const inside = real === mount.mount || real.startsWith(prefix) || mount.mount === '/';
    if (inside && (!best || mount.mount.length > best.mount.length)) best = mount;
  }
  if (!best) return undefined;
  return { mount: best.mount, sizeBytes: best.size, availableBytes: best.available };
}
