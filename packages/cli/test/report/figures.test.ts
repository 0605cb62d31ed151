import { ungroupedNumbers } from '@dqlite-analyzer/test-support/findings-agree';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/analysis-report.js';
import { CONTEXT, sample } from '../render/fixture.js';

// Every figure a section states has its thousands separators, as the findings' do (the snapshot's
// raft index was written 1024 where the comparison report writes 1,024). Names keep their digits.
describe('report sections', () => {
  it('write every figure of the sample with its thousands separators', () => {
    const report = buildReport(sample(), CONTEXT);
    const facts = report.sections.flatMap((s) =>
      s.facts.map((f) => ({ section: s.id, label: f.label, value: f.value })),
    );
    const ungrouped = facts.filter((f) => ungroupedNumbers({ title: f.value, evidence: [] }).length > 0);
    expect(ungrouped).toEqual([]);
  });
});
