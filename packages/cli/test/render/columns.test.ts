import { describe, expect, it } from 'vitest';
import { layoutTable } from '../../src/render/columns.js';
import type { Table } from '../../src/report/model.js';

const table: Table = {
  title: 'Hot keys',
  columns: [
    { header: 'key', align: 'left', shrink: true },
    { header: 'revisions', align: 'right' },
  ],
  rows: [
    ['/registry/leases/kube-system/kube-controller-manager', '10,501'],
    ['/registry/pods/default/web-1', '3'],
  ],
  omitted: 0,
};

describe('text tables', () => {
  it('right-aligns numbers and keeps natural widths when they fit', () => {
    const { header, rows } = layoutTable(table, 80);
    expect(header).toBe(`key${' '.repeat(49)}  revisions`);
    expect(rows[1]).toEqual([`/registry/pods/default/web-1${' '.repeat(24)}          3`]);
  });

  it('wraps the shrinking column to fit the width, never cutting a key, and no narrower than its floor', () => {
    const { rows } = layoutTable(table, 40);
    for (const line of rows.flat()) expect([...line].length).toBeLessThanOrEqual(40);
    // Broken after a `/`, every character kept; the number on the row's first line.
    expect(rows[0]).toEqual(['/registry/leases/kube-system/     10,501', 'kube-controller-manager']);
    const narrow = layoutTable(table, 5).rows[1]!;
    expect(narrow[0]).toMatch(/^.{14} {2} +3$/u);
    expect(narrow.map((l) => l.slice(0, 14).trim()).join('')).toBe('/registry/pods/default/web-1');
  });

  it('breaks a key with no separator into full-width pieces, in time linear in its length', () => {
    const long = { ...table, rows: [['x'.repeat(200_000), '1']] };
    const started = performance.now();
    const { rows } = layoutTable(long, 40);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(rows[0]!.join('').replace(/[ 1]/g, '')).toHaveLength(200_000);
    expect(Math.max(...rows[0]!.map((l) => l.length))).toBeLessThanOrEqual(40);
  });
});
