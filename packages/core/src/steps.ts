import type { Step } from './analysis.js';
import { AnalyzerError } from './errors.js';
import { sqliteError } from './sqlite/open.js';

/** Seconds spent per step of one analysis. */
export type Timings = Partial<Record<Step, number>>;

// SQLite errors past open (a corrupt page met mid-scan) become typed errors too.
export function guard<T>(work: () => T, label: string): T {
  try {
    return work();
  } catch (cause) {
    throw typed(cause, label);
  }
}

/** guard() for work that settles later (a query on another thread). */
export async function guardAsync<T>(work: Promise<T>, label: string): Promise<T> {
  try {
    return await work;
  } catch (cause) {
    throw typed(cause, label);
  }
}

function typed(cause: unknown, label: string): unknown {
  if (cause instanceof AnalyzerError) return cause;
  if ((cause as { code?: string }).code?.startsWith('SQLITE_')) return sqliteError(cause, label);
  return cause;
}

/** Run `work` as `step`, adding its duration to `timings`. */
export function timed<T>(timings: Timings, step: Step, work: () => T): T {
  const started = performance.now();
  try {
    return work();
  } finally {
    addTiming(timings, step, started);
  }
}

export function addTiming(timings: Timings, step: Step, started: number): void {
  timings[step] = (timings[step] ?? 0) + seconds(started);
}

export function seconds(started: number): number {
  return (performance.now() - started) / 1000;
}
