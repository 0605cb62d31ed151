import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
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
  /** First restart delay (ms); doubles up to `maxRestartMs` while journalctl keeps failing. */
  restartMs?: number;
  /** Longest restart delay (ms). */
  maxRestartMs?: number;
}

/** Why journalctl had to be restarted: it ran and ended, or it could not be started at all. */
export type JournalFailure = 'exited' | 'start_failed';

export const JOURNAL_FAILURES: readonly JournalFailure[] = ['exited', 'start_failed'];

/** One entry of `journalctl -o json`: MESSAGE is a string, or an array of bytes when not UTF-8. */
interface JournalEntry {
  MESSAGE?: string | number[] | null;
  __REALTIME_TIMESTAMP?: string;
  _SYSTEMD_UNIT?: string;
}

const DEFAULT_RESTART_MS = 1000;
const DEFAULT_MAX_RESTART_MS = 60_000;

/**
 * Follows the systemd journal of the given units through `journalctl -f -o json`, from now on.
 * When journalctl ends or cannot be started (not installed, no journal mounted) it is started
 * again after a delay that doubles up to a bound; the agent carries on meanwhile. The time of
 * each error is the journal's own. Emits 'restart' ({ reason, delayMs }) when it schedules one.
 */
export class JournalSource extends EventEmitter {
  private child: ChildProcess | undefined;
  private stopped = false;
  private delay: number;
  private readonly firstDelay: number;
  private readonly maxDelay: number;
  private restartTimer: NodeJS.Timeout | undefined;
  /** journalctl processes started (1 + restarts). */
  starts = 0;
  /** True while a journalctl process runs. */
  following = false;
  /** Restarts needed so far, by why. */
  readonly failures: Record<JournalFailure, number> = { exited: 0, start_failed: 0 };

  constructor(private readonly options: JournalSourceOptions) {
    super();
    this.firstDelay = options.restartMs ?? DEFAULT_RESTART_MS;
    this.maxDelay = Math.max(this.firstDelay, options.maxRestartMs ?? DEFAULT_MAX_RESTART_MS);
    this.delay = this.firstDelay;
  }

  start(): void {
    this.stopped = false;
    this.spawn();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const child = this.child;
    // exitCode is set (negative errno) when the spawn itself failed: nothing to wait for.
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
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
    const command = this.options.command ?? 'journalctl';
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let spawned = false;
    let startedAt = 0;
    let startError: Error | undefined;
    let stderr = '';
    child.stderr?.on('data', (data: Buffer) => {
      stderr = (stderr + data.toString()).slice(-2000);
    });
    child.on('spawn', () => {
      spawned = true;
      startedAt = performance.now();
      this.following = true;
    });
    child.on('error', (error) => {
      // A failed spawn (ENOENT, EACCES) is followed by 'close': reported there, once.
      if (!spawned) startError = error;
      else this.options.onError?.(error);
    });
    const lines = createInterface({ input: child.stdout!, crlfDelay: Number.POSITIVE_INFINITY });
    lines.on('line', (line) => {
      this.delay = this.firstDelay; // output means it works: reset the backoff
      this.entry(line);
    });
    child.on('close', (code, signal) => {
      this.following = false;
      if (this.stopped) return;
      const reason: JournalFailure = spawned ? 'exited' : 'start_failed';
      this.failures[reason] += 1;
      // A journalctl that ran quietly for longer than the longest delay was working: start afresh.
      if (spawned && performance.now() - startedAt >= this.maxDelay) this.delay = this.firstDelay;
      const how = signal ? `was killed by ${signal}` : `exited with ${code}`;
      const message = spawned
        ? `journalctl ${how}: ${stderr.trim() || 'no message'}`
        : `journalctl (${command}) could not be started: ${startError?.message ?? how}`;
      this.options.onError?.(new Error(`${message}; restarting in ${this.delay} ms`));
      const delayMs = this.delay;
      this.restartTimer = setTimeout(() => this.spawn(), delayMs);
      this.restartTimer.unref();
      this.delay = Math.min(this.delay * 2, this.maxDelay);
      this.emit('restart', { reason, delayMs });
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
