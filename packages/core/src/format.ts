// The one way a figure is written in words, in findings and (re-exported) in every report format:
// counts with thousands separators (4,499), sizes in binary units (117.7 MiB; the exact bytes are in
// the finding's data and the JSON), shares with one decimal, nouns agreeing with their count.

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
  // Integers by hand, as toLocaleString('en-US') writes them: its first call sets up ICU's number
  // formatting, ~10 ms of every run's fixed cost (measured on the sample). Anything else (fractions,
  // 1e21 and up, NaN) still goes through it.
  if (!Number.isSafeInteger(count)) return count.toLocaleString('en-US');
  const digits = String(Math.abs(count));
  let grouped = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let at = grouped.length; at < digits.length; at += 3) grouped += `,${digits.slice(at, at + 3)}`;
  return count < 0 || Object.is(count, -0) ? `-${grouped}` : grouped;
}

/** Singular or plural noun with its count: `1 row`, `2 rows`. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatCount(count)} ${count === 1 ? singular : pluralForm}`;
}

/** 1.23456 → `1.23 s`: the lock-window estimates, compared with a 1 s budget. */
export function secondsText(s: number): string {
  return `${s.toFixed(2)} s`;
}
