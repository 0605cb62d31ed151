import { describe, expect, it } from 'vitest';
import { buildKineSection } from '../../src/report/kine-section.js';
import { sample } from '../render/fixture.js';

// Every kine row is exactly one of five kinds (packages/core/src/kine/revisions.ts): the Rows line
// names each, and its parts add up to its total.
const rowsLine = (analysis = sample()) =>
  buildKineSection(analysis, 10)!.facts.find((f) => f.label === 'Rows')!.value;
const parts = (line: string) => {
  const [total, rest] = line.split(': ') as [string, string];
  const count = (s: string) => Number(s.replaceAll(',', ''));
  return {
    total: count(total),
    sum: [...rest.matchAll(/(?:^|, )([\d,]+) /g)].reduce((n, m) => n + count(m[1]!), 0),
  };
};

describe('kine section', () => {
  it('the Rows parts add up to the rows of the sample, its 2 compact_rev_key rows included', () => {
    const a = sample();
    expect(a.kine!.compactRevKeyRows).toBeGreaterThan(0);
    const line = rowsLine(a);
    expect(parts(line)).toEqual({ total: a.kine!.rows, sum: a.kine!.rows });
  });

  it('counts a deleted key once: its tombstone, not every delete event (a superseded one is history)', () => {
    const a = sample();
    const k = a.kine!;
    // One key deleted and recreated (its tombstone is history now), one deleted for good.
    Object.assign(k, { tombstones: 2, deletedKeys: 1, historyRows: k.historyRows + 1, rows: k.rows + 2 });
    expect(parts(rowsLine(a))).toEqual({ total: k.rows, sum: k.rows });
  });
});
