// Every number a report shows goes through these, so text, markdown and HTML print it the same way;
// counts, sizes, shares and plurals are the core's, so the findings' words read the same as the tables.

export { formatBytes, formatCount, formatPercent, plural } from '@dqlite-analyzer/core/report-values';

import { formatCount } from '@dqlite-analyzer/core/report-values';

/** "how many times larger": one decimal below 100, whole numbers above. */
export function formatRatio(ratio: number): string {
  return `${ratio >= 100 ? ratio.toFixed(0) : ratio.toFixed(1)}×`;
}

/** A duration in milliseconds as the two largest units: `44 min 44 s`, `3 d 4 h`. */
export function formatDuration(ms: number): string {
  const units: [string, number][] = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['min', 60_000],
    ['s', 1000],
  ];
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const parts: string[] = [];
  let rest = ms;
  for (const [name, size] of units) {
    const n = Math.floor(rest / size);
    if (n > 0 || parts.length > 0) parts.push(`${n} ${name}`);
    rest -= n * size;
    if (parts.length === 2) break;
  }
  return parts.filter((p) => !p.startsWith('0 ')).join(' ');
}

/** Seconds with a precision that suits their size. */
export function formatSeconds(seconds: number): string {
  if (seconds >= 120) return formatDuration(seconds * 1000);
  return `${seconds >= 10 ? seconds.toFixed(0) : seconds.toFixed(seconds >= 1 ? 1 : 2)} s`;
}

/** An ISO-8601 time as `2026-11-24 15:10:33 UTC` (the reports never use the viewer's time zone). */
export function formatTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** A rate per minute, or `-` when the interval is unknown. */
export function formatRate(perMinute: number | null): string {
  if (perMinute === null) return '-';
  return `${perMinute >= 100 ? formatCount(Math.round(perMinute)) : perMinute.toFixed(1)}/min`;
}
