import { type FileHandle, open, stat } from 'node:fs/promises';
import type { LogSink } from './log-sink.js';

export interface LogFileSourceOptions {
  path: string;
  sink: LogSink;
  /** How often the file is checked for new lines (ms). */
  pollMs?: number;
  onError?: (error: Error) => void;
}

const CHUNK_BYTES = 64 * 1024;
// A longer "line" is binary junk or a runaway log; dropping it keeps memory bounded.
const MAX_LINE_BYTES = 64 * 1024;

/**
 * Follows a log file like `tail -F`: starts at its current end (a restart must not count old
 * errors twice), reads what is appended, starts over when the file is truncated or replaced
 * (logrotate), and waits quietly while it does not exist.
 */
export class LogFileSource {
  private handle: FileHandle | undefined;
  private inode = -1;
  private offset = 0;
  private partial = '';
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private first = true;
  /** True while the file exists and is being read. */
  following = false;

  constructor(private readonly options: LogFileSourceOptions) {}

  start(): void {
    void this.poll();
    this.timer = setInterval(() => void this.poll(), this.options.pollMs ?? 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.closeFile();
  }

  /** Read whatever has been appended since the last call. */
  async poll(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      await this.readNew();
    } catch (error) {
      this.options.onError?.(error as Error);
      await this.closeFile();
    } finally {
      this.busy = false;
    }
  }

  private async readNew(): Promise<void> {
    const info = await stat(this.options.path).catch(() => undefined);
    if (!info) {
      // Gone (rotated away, not yet created): the next file with this name is read from its start.
      await this.closeFile();
      this.first = false;
      return;
    }
    if (info.ino !== this.inode) {
      await this.closeFile();
      this.handle = await open(this.options.path, 'r');
      this.inode = info.ino;
      this.offset = this.first ? info.size : 0;
      this.partial = '';
    } else if (info.size < this.offset) {
      // Truncated in place (copytruncate): start again from the top.
      this.offset = 0;
      this.partial = '';
    }
    this.first = false;
    this.following = true;
    const buffer = Buffer.alloc(CHUNK_BYTES);
    for (;;) {
      const { bytesRead } = await this.handle!.read(buffer, 0, CHUNK_BYTES, this.offset);
      if (bytesRead === 0) break;
      this.offset += bytesRead;
      this.consume(buffer.toString('utf8', 0, bytesRead));
    }
  }

  private consume(text: string): void {
    const now = Date.now();
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    if (this.partial.length > MAX_LINE_BYTES) this.partial = '';
    for (const line of lines) {
      if (line.length > 0 && line.length <= MAX_LINE_BYTES) this.options.sink.line(line, now, true);
    }
  }

  private async closeFile(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    this.inode = -1;
    this.following = false;
    await handle?.close().catch(() => undefined);
  }
}
