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
    expect(rows[1]).toBe(`/registry/pods/default/web-1${' '.repeat(24)}          3`);
  });

  it('middle-truncates the shrinking column to fit the width, and no further', () => {
    const { rows } = layoutTable(table, 40);
    for (const row of rows) expect([...row].length).toBeLessThanOrEqual(40);
    expect(rows[0]).toBe('/registry…-controller-manager     10,501');
    expect(layoutTable(table, 5).rows[1]).toMatch(/^.{14} {2} +3$/u);
  });
});
