// Plain-text figures for evidence lines: exact numbers first, a readable unit in brackets.

/** `123456789 bytes (117.7 MiB)`. */
export function bytes(n: number): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = '';
  for (const u of units) {
    if (value < 1024) break;
    value /= 1024;
    unit = u;
  }
  return unit ? `${n} bytes (${value.toFixed(1)} ${unit})` : `${n} bytes`;
}

/** 0.1234 → `12.3%`. */
export function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

/** 1.23456 → `1.23 s`. */
export function seconds(s: number): string {
  return `${s.toFixed(2)} s`;
}
