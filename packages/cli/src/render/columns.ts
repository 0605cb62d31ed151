import type { Table } from '../report/model.js';
import { widthOf } from './wrap.js';

const GAP = 2;
/** A shrinking column keeps at least this many columns (or its header). */
const MIN_SHRUNK = 14;
/** Where a key breaks when it has to wrap: after the namespace's `/` best, else after a separator. */
const BREAK_AFTER = new Set(['-', '.', '_', ':', '|', ',']);

/**
 * Lay out a table in fixed columns within `width`: numbers right-aligned, and the columns marked
 * `shrink` (keys, names) narrowed when the whole would not fit. A cell wider than its column wraps
 * onto more lines, never cut, so every key stays whole. Returns the header line and each row's
 * lines, without colour (the caller paints whole lines).
 */
export function layoutTable(table: Table, width: number): { header: string; rows: string[][] } {
  const all = [table.columns.map((c) => c.header), ...table.rows];
  const natural = table.columns.map((_, i) => Math.max(...all.map((row) => widthOf(row[i] ?? ''))));
  const widths = fitWidths(table, natural, width);
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => {
        const pad = ' '.repeat(Math.max(0, widths[i]! - widthOf(cell)));
        return table.columns[i]!.align === 'right' ? pad + cell : cell + pad;
      })
      .join(' '.repeat(GAP))
      .trimEnd();
  const rows = table.rows.map((row) => {
    const pieces = row.map((cell, i) => breakCell(cell, widths[i]!));
    const height = Math.max(...pieces.map((p) => p.length));
    return Array.from({ length: height }, (_, n) => line(pieces.map((p) => p[n] ?? '')));
  });
  return { header: line(table.columns.map((c) => c.header)), rows };
}

/**
 * Column widths: the natural ones when they fit; else the shrinking columns capped at the largest
 * width C (never below their floor) that makes the table fit, found by bisection: a few passes over
 * the columns, whatever the widths.
 */
function fitWidths(table: Table, natural: number[], width: number): number[] {
  const floors = table.columns.map((c) => Math.max(MIN_SHRUNK, widthOf(c.header)));
  const capped = (cap: number) =>
    natural.map((w, i) => (table.columns[i]!.shrink ? Math.min(w, Math.max(floors[i]!, cap)) : w));
  const total = (widths: number[]) => widths.reduce((sum, w) => sum + w, 0) + GAP * (widths.length - 1);
  if (total(natural) <= width) return natural;
  let low = 0;
  let high = Math.max(...natural);
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (total(capped(mid)) <= width) low = mid;
    else high = mid - 1;
  }
  return capped(low);
}

/** A cell cut into lines of at most `width` columns, after a separator where one is near the end. */
export function breakCell(cell: string, width: number): string[] {
  if (widthOf(cell) <= width) return [cell];
  const chars = [...cell];
  const lines: string[] = [];
  let start = 0;
  while (chars.length - start > width) {
    // Break after the line's last `/` (namespace/name), else after a separator in its second half.
    const half = start + Math.ceil(width / 2);
    let slash = -1;
    let other = -1;
    for (let i = start + width - 1; i > start && slash < 0; i--) {
      if (chars[i] === '/') slash = i;
      else if (other < 0 && i >= half && BREAK_AFTER.has(chars[i]!)) other = i;
    }
    const end = (slash >= 0 ? slash : other >= 0 ? other : start + width - 1) + 1;
    lines.push(chars.slice(start, end).join(''));
    start = end;
  }
  lines.push(chars.slice(start).join(''));
  return lines;
}
