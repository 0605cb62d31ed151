import { EventEmitter } from 'node:events';

/** Where a lock signal came from; each is optional and each is its own label value. */
export type WindowSource = 'logs' | 'probe';

/** One contention signal: a `database is locked` line, a failed or slow probe. */
export interface LockSignal {
  source: WindowSource;
  /** Epoch milliseconds. */
  at: number;
  tries?: number | undefined;
  key?: string | undefined;
  prefix: string;
  database: string;
}

/** Signals close together in time, from one source. */
export interface LockWindow {
  source: WindowSource;
  /** Epoch ms of the first and last signal. */
  start: number;
  end: number;
  count: number;
  /** Highest retry count seen (500 = k8s-dqlite's whole budget burnt). */
  maxTries: number | null;
  /** Up to MAX_KEYS distinct keys, in order of appearance. */
  keys: string[];
  /** The snapshot being written (or finished) during the window, if any. */
  snapshot: string | null;
  open: boolean;
}

/** When snapshots were written: the watcher answers, the tracker asks at window close. */
export interface SnapshotTimeline {
  snapshotDuring(start: number, end: number): string | undefined;
}

export interface LockWindowsOptions {
  /** Signals further apart than this (seconds) start a new window. */
  gapSeconds: number;
  /** Closed windows kept for /api/v1/windows. */
  keep?: number;
  timeline?: SnapshotTimeline | undefined;
  now?: () => number;
}

const MAX_KEYS = 10;

/**
 * Groups lock signals into windows per source. A window closes once no signal has come for
 * `gapSeconds`; `tick()` (from a timer) and every new signal check that, so a window's end is
 * the time of its last signal, never the time we noticed the silence.
 * Emits 'signal' (LockSignal) and 'close' (LockWindow).
 */
export class LockWindows extends EventEmitter {
  private readonly openWindows = new Map<WindowSource, LockWindow>();
  private readonly closed: LockWindow[] = [];
  private readonly gapMs: number;
  private readonly keep: number;
  private readonly now: () => number;

  constructor(private readonly options: LockWindowsOptions) {
    super();
    this.gapMs = options.gapSeconds * 1000;
    this.keep = options.keep ?? 200;
    this.now = options.now ?? Date.now;
  }

  record(signal: LockSignal): void {
    const current = this.openWindows.get(signal.source);
    // Signals from a replayed or re-read log can arrive out of order: a signal before the
    // window's start still belongs to it if it is within the gap.
    if (current && signal.at <= current.end + this.gapMs && signal.at >= current.start - this.gapMs) {
      current.start = Math.min(current.start, signal.at);
      current.end = Math.max(current.end, signal.at);
      current.count += 1;
      current.maxTries = maxOf(current.maxTries, signal.tries);
      if (signal.key && current.keys.length < MAX_KEYS && !current.keys.includes(signal.key)) {
        current.keys.push(signal.key);
      }
    } else {
      if (current) this.close(current);
      this.openWindows.set(signal.source, {
        source: signal.source,
        start: signal.at,
        end: signal.at,
        count: 1,
        maxTries: signal.tries ?? null,
        keys: signal.key ? [signal.key] : [],
        snapshot: null,
        open: true,
      });
    }
    this.emit('signal', signal);
  }

  /** Close windows whose last signal is older than the gap. */
  tick(): void {
    const now = this.now();
    for (const window of this.openWindows.values()) {
      if (now - window.end > this.gapMs) this.close(window);
    }
  }

  /** Close every open window (shutdown, tests). */
  flush(): void {
    for (const window of [...this.openWindows.values()]) this.close(window);
  }

  /** Open windows first, then closed ones, newest first. */
  recent(): LockWindow[] {
    const open = [...this.openWindows.values()].map((window) => ({ ...window, keys: [...window.keys] }));
    return [...open, ...[...this.closed].reverse()];
  }

  private close(window: LockWindow): void {
    this.openWindows.delete(window.source);
    window.open = false;
    window.snapshot = this.options.timeline?.snapshotDuring(window.start, window.end) ?? null;
    this.closed.push(window);
    if (this.closed.length > this.keep) this.closed.shift();
    this.emit('close', window);
  }
}

function maxOf(current: number | null, value: number | undefined): number | null {
  if (value === undefined) return current;
  return current === null ? value : Math.max(current, value);
}
