import type { ComparedSnapshot, Comparison } from '@dqlite-analyzer/core';
import { formatCount, formatPercent, formatRate, formatSeconds, formatTime, plural } from './format.js';
import type { CompareReport, Fact, Section } from './model.js';
import type { ReportOptions } from './report-options.js';
import { WRITES_NOTE, writesTables } from './writes-section.js';

/** Turn a Comparison into the report every format lays out. */
export function buildCompareReport(comparison: Comparison, options: ReportOptions): CompareReport {
  const c = comparison;
  const share = (n: number) => (c.retainedRows > 0 ? formatPercent(n / c.retainedRows) : '-');
  const top = c.writes[0];
  const timing =
    c.intervalSeconds === null
      ? 'at an unknown rate (give --interval-seconds)'
      : `in ${formatSeconds(c.intervalSeconds)} (${formatRate(c.revisionsPerMinute)})`;
  const headline =
    `${plural(c.revisionsWritten, 'revision')} written between the two snapshots ${timing}` +
    (top
      ? `; the top writer is ${top.key} with ${formatCount(top.revisions)} (${share(top.revisions)}).`
      : '.');

  const warnings: string[] = [];
  if (c.compactedBetween) {
    warnings.push(
      'The newer snapshot was compacted past the older one’s revision: rows written in between may be gone, ' +
        'so the counts per key and resource are lower bounds.',
    );
  }
  if (c.retainedRows < c.revisionsWritten) {
    warnings.push(
      `${plural(c.revisionsWritten - c.retainedRows, 'revision')} written in between are no longer in the newer ` +
        'snapshot (compacted, or kine bookkeeping rows); the tables count the retained ones.',
    );
  }

  const facts: Fact[] = [
    { label: 'Older', value: describeSnapshot(c.older) },
    { label: 'Newer', value: describeSnapshot(c.newer) },
    { label: 'History', value: c.lineage.note },
    {
      label: 'Interval',
      value:
        c.intervalSeconds === null
          ? c.intervalNote
          : c.intervalSource === 'given' || c.intervalSource === null
            ? `${formatSeconds(c.intervalSeconds)}, given with --interval-seconds`
            : `${formatSeconds(c.intervalSeconds)}, from the ${c.intervalNote}`,
    },
    {
      label: 'Written',
      value: `${plural(c.revisionsWritten, 'revision')}, ${formatCount(c.retainedRows)} still in the newer snapshot`,
    },
    { label: 'Rate', value: formatRate(c.revisionsPerMinute) },
  ];
  const snapshots: Section = { id: 'snapshots', title: 'Snapshots', facts, tables: [], notes: [] };
  const writers: Section = {
    id: 'writes',
    title: 'Writes between the snapshots',
    facts: [],
    tables: writesTables(c, options.top),
    notes: [WRITES_NOTE],
  };
  return {
    title: 'dqlite snapshot comparison',
    generatedBy: options.generatedBy,
    headline,
    warnings,
    sections: [snapshots, writers],
    writers: c.writes.slice(0, options.top).map((w) => ({ label: w.key, revisions: w.revisions })),
  };
}

/** One snapshot of a comparison in one line. */
export function describeSnapshot(s: ComparedSnapshot): string {
  const raft = s.term === null ? '' : `, term ${s.term} index ${formatCount(s.index ?? 0)}`;
  const stamp = s.timestampMs === null ? '' : `, ${formatCount(s.timestampMs)} ms monotonic`;
  const compacted =
    s.compactRevision === null ? 'never compacted' : `compacted to ${formatCount(s.compactRevision)}`;
  return (
    `${s.dataFile}${raft}${stamp}; written ${formatTime(s.modifiedAt)}; ` +
    `revision ${formatCount(s.currentRevision)}, ${compacted}`
  );
}
