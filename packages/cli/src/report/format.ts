// Every number a report shows goes through these, so text, markdown and HTML print it the same way.

/** Human-readable bytes in binary units (1 KiB = 1024 B), as `du -h` and the dqlite issues use them. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value >= 100 ? 0 : 1)} ${units[unit]}`;
}

/** A share (0–1) as a percentage with one decimal; tiny non-zero shares do not round to 0.0%. */
export function formatPercent(share: number): string {
  if (share > 0 && share < 0.0005) return '<0.1%';
  return `${(share * 100).toFixed(1)}%`;
}

/** A count with thousands separators. */
export function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}

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

/** Singular or plural noun with its count: `1 row`, `2 rows`. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatCount(count)} ${count === 1 ? singular : pluralForm}`;
}
