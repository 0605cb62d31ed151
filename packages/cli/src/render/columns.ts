import type { Table } from '../report/model.js';
import { truncateMiddle, widthOf } from './wrap.js';

const GAP = 2;
/** A shrinking column keeps at least this many columns (or its header). */
const MIN_SHRUNK = 14;

/**
 * Lay out a table in fixed columns within `width`: numbers right-aligned, and the columns marked
 * `shrink` (keys, names) middle-truncated when the whole would not fit. Returns the header line
 * and one line per row, without colour (the caller paints whole lines).
 */
export function layoutTable(table: Table, width: number): { header: string; rows: string[] } {
  const all = [table.columns.map((c) => c.header), ...table.rows];
  const widths = table.columns.map((_, i) => Math.max(...all.map((row) => widthOf(row[i] ?? ''))));
  let excess = widths.reduce((sum, w) => sum + w, 0) + GAP * (widths.length - 1) - width;
  while (excess > 0) {
    let widest = -1;
    table.columns.forEach((column, i) => {
      const floor = Math.max(MIN_SHRUNK, widthOf(column.header));
      if (column.shrink && widths[i]! > floor && (widest < 0 || widths[i]! > widths[widest]!)) widest = i;
    });
    if (widest < 0) break;
    widths[widest]! -= 1;
    excess -= 1;
  }
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => {
        const text = truncateMiddle(cell, widths[i]!);
        const pad = ' '.repeat(widths[i]! - widthOf(text));
        return table.columns[i]!.align === 'right' ? pad + text : text + pad;
      })
      .join(' '.repeat(GAP))
      .trimEnd();
  return { header: line(table.columns.map((c) => c.header)), rows: table.rows.map(line) };
}
