import type { Step } from './analysis-types.js';

/** Seconds spent per step of one analysis. */
export type Timings = Partial<Record<Step, number>>;

/** Run `work` as `step`, adding its duration to `timings`. */
export function timed<T>(timings: Timings, step: Step, work: () => T): T {
  const started = performance.now();
  try {
    return work();
  } finally {
    addTiming(timings, step, started);
  }
}

/** timed() for work that settles later. */
export async function timedAsync<T>(timings: Timings, step: Step, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    addTiming(timings, step, started);
  }
}

export function addTiming(timings: Timings, step: Step, started: number): void {
  timings[step] = (timings[step] ?? 0) + secondsSince(started);
}

/** Seconds elapsed since `started`, a `performance.now()` reading. */
export function secondsSince(started: number): number {
  return (performance.now() - started) / 1000;
}
