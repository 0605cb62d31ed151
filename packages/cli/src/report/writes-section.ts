import type { Analysis, Comparison } from '@dqlite-analyzer/core';
import { describeSnapshot } from './compare-report.js';
import { formatBytes, formatCount, formatPercent, formatRate, formatSeconds, plural } from './format.js';
import { keyName } from './key-name.js';
import { type Fact, type Section, type Table, topRows } from './model.js';

export const WRITES_NOTE =
  'Counts are the rows written after the older snapshot’s revision that the newer snapshot still ' +
  'holds: every update between them, unless compaction removed some of those rows.';

/** The top writers per key, per involved object of Events and per resource (compare and the report). */
export function writesTables(c: Comparison, top: number): Table[] {
  const share = (n: number) => (c.retainedRows > 0 ? formatPercent(n / c.retainedRows) : '-');
  const tables: Table[] = [
    {
      title: 'Top writers (keys)',
      columns: [
        { header: 'resource', align: 'left', shrink: true },
        { header: 'name', align: 'left', shrink: true },
        { header: 'revisions', align: 'right' },
        { header: 'share', align: 'right' },
        { header: 'rate', align: 'right' },
        { header: 'bytes', align: 'right' },
      ],
      ...topRows(c.writes, top, (w) => [
        w.resource,
        keyName(w.key, w.prefix),
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
    { label: 'History', value: c.lineage.note },
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
