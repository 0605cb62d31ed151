import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { LogSink } from './log-sink.js';

export interface JournalSourceOptions {
  units: string[];
  sink: LogSink;
  /** The journalctl binary (a path in tests or on unusual hosts). */
  command?: string;
  /** Extra arguments, e.g. `--directory=/host/var/log/journal` in a container. */
  extraArgs?: string[];
  onError?: (error: Error) => void;
  /** First restart delay (ms); doubles up to a minute while journalctl keeps failing. */
  restartMs?: number;
}

/** One entry of `journalctl -o json`: MESSAGE is a string, or an array of bytes when not UTF-8. */
interface JournalEntry {
  MESSAGE?: string | number[] | null;
  __REALTIME_TIMESTAMP?: string;
  _SYSTEMD_UNIT?: string;
}

/**
 * Follows the systemd journal of the given units through `journalctl -f -o json`, from now on.
 * journalctl is restarted with backoff if it exits; the time of each error is the journal's own.
 */
export class JournalSource {
  private child: ChildProcess | undefined;
  private stopped = false;
  private delay: number;
  private restartTimer: NodeJS.Timeout | undefined;
  /** journalctl processes started (1 + restarts). */
  starts = 0;
  following = false;

  constructor(private readonly options: JournalSourceOptions) {
    this.delay = options.restartMs ?? 1000;
  }

  start(): void {
    this.stopped = false;
    this.spawn();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('close', () => resolve());
      child.kill('SIGTERM');
    });
  }

  private spawn(): void {
    const args = [
      '--follow',
      '--output=json',
      '--lines=0',
      ...(this.options.extraArgs ?? []),
      ...this.options.units.flatMap((unit) => ['--unit', unit]),
    ];
    this.starts += 1;
    const child = spawn(this.options.command ?? 'journalctl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let stderr = '';
    child.stderr?.on('data', (data: Buffer) => {
      stderr = (stderr + data.toString()).slice(-2000);
    });
    child.on('spawn', () => {
      this.following = true;
    });
    child.on('error', (error) => this.options.onError?.(error));
    const lines = createInterface({ input: child.stdout!, crlfDelay: Number.POSITIVE_INFINITY });
    lines.on('line', (line) => {
      this.delay = this.options.restartMs ?? 1000; // output means it works: reset the backoff
      this.entry(line);
    });
    child.on('close', (code) => {
      this.following = false;
      if (this.stopped) return;
      this.options.onError?.(new Error(`journalctl exited with ${code}: ${stderr.trim()}`));
      this.restartTimer = setTimeout(() => this.spawn(), this.delay);
      this.restartTimer.unref();
      this.delay = Math.min(this.delay * 2, 60_000);
    });
  }

  private entry(line: string): void {
    let entry: JournalEntry;
    try {
      entry = JSON.parse(line) as JournalEntry;
    } catch {
      return;
    }
    const message = Array.isArray(entry.MESSAGE)
      ? Buffer.from(entry.MESSAGE).toString('utf8')
      : entry.MESSAGE;
    if (typeof message !== 'string') return;
    const micros = Number(entry.__REALTIME_TIMESTAMP);
    const at = Number.isFinite(micros) && micros > 0 ? Math.floor(micros / 1000) : Date.now();
    this.options.sink.line(message, at, false);
  }
}
