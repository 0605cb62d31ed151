import { statfs } from 'node:fs/promises';

/** The filesystem holding the data directory. */
export interface FilesystemFigures {
  sizeBytes: number;
  availableBytes: number;
}

export interface FilesystemPollerOptions {
  dataDir: string;
  /** The agent's temp dir, whose free space bounds the databases it can copy. */
  tempDir?: string;
  intervalMs: number;
  onError?: (error: Error) => void;
}

/**
 * Refreshes, on a timer and never on the scrape path, the free space of the data directory's and
 * the temp dir's filesystems (statfs). The directory itself is listed by the watcher, once a scan.
 */
export class FilesystemPoller {
  private timer: NodeJS.Timeout | undefined;
  private busy: Promise<void> | undefined;
  filesystem: FilesystemFigures | undefined;
  /** Bytes available to unprivileged users where the private copies go (what the core checks). */
  tempFreeBytes: number | undefined;
  lastPollAt: number | undefined;

  constructor(private readonly options: FilesystemPollerOptions) {}

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

/**
 * Size and free bytes of the filesystem that holds `path`, by statfs(2). Not systeminformation's
 * fsSize(): it runs `cat /proc/mounts` through execSync on every call, which held the event loop,
 * and so /metrics, for 20-50 ms per poll (profiled under bench/agent-scrape.mjs).
 */
export async function readFilesystem(path: string): Promise<FilesystemFigures | undefined> {
  const stats = await statfs(path).catch(() => undefined);
  if (!stats) return undefined;
  return { sizeBytes: stats.blocks * stats.bsize, availableBytes: stats.bavail * stats.bsize };
}
