import type { Progress, ProgressListener } from '@dqlite-analyzer/core';
import { formatBytes, formatCount, formatPercent } from './report/format.js';

/** The stream progress is drawn on: stderr, or a stand-in in tests. */
export interface ProgressStream {
  write(text: string): unknown;
}

export interface ProgressLine {
  /** Give this to analyze() / compare() as onProgress. */
  listener: ProgressListener;
  /** Erase the line (before the report or an error is printed). */
  clear(): void;
}

// Redrawing more often than this only costs time: extraction reports every 1 MiB read.
const REDRAW_MS = 100;

// Which database a step is on, when the snapshot holds several.
const of = (p: Progress): string => (p.database === undefined ? '' : `${p.database}: `);

const describe = (p: Progress): string => {
  switch (p.step) {
    case 'extract':
      return p.total
        ? `reading the snapshot: ${formatPercent(p.done / p.total)} of ${formatBytes(p.total)}`
        : `reading the snapshot: ${formatBytes(p.done)}`;
    case 'btrees':
      return `${of(p)}measuring tables and indexes${p.total ? ` (${formatCount(p.total)} pages)` : ''}`;
    case 'kine':
      return `${of(p)}reading the kine history`;
    case 'vacuum':
      return `${of(p)}VACUUM INTO a private copy (--vacuum; the slowest step)`;
    default:
      return p.step;
  }
};

/**
 * One status line on a terminal, rewritten in place (`\r` + erase to end of line). The caller only
 * creates it when stderr is a terminal and --quiet is off; otherwise it is never drawn.
 */
export function createProgressLine(
  stream: ProgressStream,
  enabled: boolean,
  label = '',
  now: () => number = Date.now,
): ProgressLine {
  let drawn = false;
  let last = -Infinity;
  let lastStep: string | undefined;
  return {
    listener: (progress) => {
      if (!enabled) return;
      const time = now();
      // Always draw a new step at once; throttle the updates within one step.
      const step = `${progress.step}:${progress.database ?? ''}`;
      if (step === lastStep && time - last < REDRAW_MS) return;
      last = time;
      lastStep = step;
      stream.write(`\r\u001b[K${label}${describe(progress)}`);
      drawn = true;
    },
    clear: () => {
      if (drawn) stream.write('\r\u001b[K');
      drawn = false;
    },
  };
}
