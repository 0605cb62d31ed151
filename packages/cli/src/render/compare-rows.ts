import type { Analysis, ComparedSnapshot, Comparison } from '@dqlite-analyzer/core';
import {
  formatBytes,
  formatCount,
  formatPercent,
  formatRate,
  formatSeconds,
  formatTime,
  plural,
} from './format.js';
import { type CompareReport, type Fact, type Section, type Table, topRows } from './model.js';

export interface CompareReportOptions {
  generatedBy: string;
  top: number;
}

/** Turn a Comparison into the report every format lays out. */
export function buildCompareReport(comparison: Comparison, options: CompareReportOptions): CompareReport {
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

const WRITES_NOTE =
  'Counts are the rows written after the older snapshot’s revision that the newer snapshot still ' +
  'holds: every update between them, unless compaction removed some of those rows.';

/** The top writers per key, per involved object of Events and per resource (compare and the report). */
export function writesTables(c: Comparison, top: number): Table[] {
  const share = (n: number) => (c.retainedRows > 0 ? formatPercent(n / c.retainedRows) : '-');
  const tables: Table[] = [
    {
      title: 'Top writers (keys)',
      columns: [
        { header: 'key', align: 'left', shrink: true },
        { header: 'revisions', align: 'right' },
        { header: 'share', align: 'right' },
        { header: 'rate', align: 'right' },
        { header: 'bytes', align: 'right' },
      ],
      ...topRows(c.writes, top, (w) => [
        w.key,
        formatCount(w.revisions),
        share(w.revisions),
        formatRate(w.perMinute),
        formatBytes(w.bytes),
      ]),
    },
    {
      title: 'By resource',
      columns: [
        { header: 'resource', align: 'left', shrink: true },
        { header: 'keys', align: 'right' },
        { header: 'revisions', align: 'right' },
        { header: 'share', align: 'right' },
        { header: 'rate', align: 'right' },
        { header: 'bytes', align: 'right' },
      ],
      ...topRows(c.writesByPrefix, top, (p) => [
        p.prefix,
        formatCount(p.keys),
        formatCount(p.revisions),
        share(p.revisions),
        formatRate(p.perMinute),
        formatBytes(p.bytes),
      ]),
    },
  ];
  // Only when there are Events: one table fewer in every other comparison.
  if (c.eventObjects.length > 0) {
    tables.push({
      title: 'Events by involved object',
      columns: [
        { header: 'object', align: 'left', shrink: true },
        { header: 'events', align: 'right' },
        { header: 'revisions', align: 'right' },
        { header: 'rate', align: 'right' },
      ],
      ...topRows(c.eventObjects, top, (e) => [
        `${e.namespace ? `${e.namespace}/` : ''}${e.object}`,
        formatCount(e.events),
        formatCount(e.revisions),
        formatRate(e.perMinute),
      ]),
    });
  }
  return tables;
}

/** The analysis report's section on the writes between a data directory's two newest snapshots. */
export function buildWritesSection(analysis: Analysis, top: number): Section {
  const c = analysis.writes;
  if (!c) {
    return {
      id: 'writes',
      title: 'Writes between the two snapshots',
      facts: [{ label: 'Write rate', value: analysis.writesUnavailable ?? 'no write rate' }],
      tables: [],
      notes: [],
    };
  }
  const first = c.writes[0];
  const facts: Fact[] = [
    { label: 'Older', value: describeSnapshot(c.older) },
    {
      label: 'Interval',
      value:
        c.intervalSeconds === null
          ? c.intervalNote
          : `${formatSeconds(c.intervalSeconds)}, from the ${c.intervalNote}`,
    },
    {
      label: 'Written',
      value:
        `${plural(c.revisionsWritten, 'revision')} (kine's revision counter ${formatCount(c.older.currentRevision)} → ` +
        `${formatCount(c.newer.currentRevision)}), ${formatRate(c.revisionsPerMinute)}: ` +
        `${formatCount(c.retainedRows)} attributed to a key, ${formatCount(c.compactedRevisions)} compacted in between` +
        (c.bookkeepingRows > 0 ? `, ${formatCount(c.bookkeepingRows)} kine bookkeeping rows` : ''),
    },
  ];
  if (first) {
    facts.push({
      label: 'Top writer',
      value:
        `top writer ${first.key}: ${plural(first.revisions, 'revision')}, ${formatRate(first.perMinute)}` +
        (first.writer ? `; written by ${first.writer}` : ''),
    });
  }
  return {
    id: 'writes',
    title: 'Writes between the two snapshots',
    facts,
    tables: writesTables(c, top),
    notes: [WRITES_NOTE],
  };
}

function describeSnapshot(s: ComparedSnapshot): string {
  const raft = s.term === null ? '' : `, term ${s.term} index ${formatCount(s.index ?? 0)}`;
  const stamp = s.timestampMs === null ? '' : `, ${formatCount(s.timestampMs)} ms monotonic`;
  const compacted =
    s.compactRevision === null ? 'never compacted' : `compacted to ${formatCount(s.compactRevision)}`;
  return (
    `${s.dataFile}${raft}${stamp}; written ${formatTime(s.modifiedAt)}; ` +
    `revision ${formatCount(s.currentRevision)}, ${compacted}`
  );
}
