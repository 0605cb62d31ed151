import type { Analysis } from '@dqlite-analyzer/core';
import { formatBytes, formatCount, formatPercent, formatTime, plural } from './format.js';
import { keyName } from './key-name.js';
import { type Charts, type Fact, type Section, type Table, topRows } from './model.js';

/** The kine history section; null when no database is kine (--storage-only). */
export function buildKineSection(analysis: Analysis, top: number): Section | null {
  const kine = analysis.kine;
  if (!kine) return null;
  const facts: Fact[] = [
    {
      label: 'Revisions',
      value:
        `current ${formatCount(kine.currentRevision)}` +
        (kine.sequence !== null && kine.sequence !== kine.currentRevision
          ? ` (highest ever issued ${formatCount(kine.sequence)})`
          : ''),
    },
    {
      label: 'Compacted',
      value:
        kine.compactRevision === null
          ? 'never: no compact_rev_key row'
          : `up to revision ${formatCount(kine.compactRevision)}, ${plural(kine.revisionsSinceCompaction, 'revision')} since`,
    },
    {
      label: 'Rows',
      value:
        // The five kinds a row is exactly one of (core kine/revisions.ts), so they add up: a delete
        // event superseded by a newer row is history; a deleted key counts once, by its latest row (a tombstone).
        `${formatCount(kine.rows)}: ${formatCount(kine.liveKeys)} live keys, ${formatCount(kine.historyRows)} history, ` +
        `${formatCount(kine.deletedKeys)} deleted keys, ${formatCount(kine.gapRows)} gap, ` +
        `${formatCount(kine.compactRevKeyRows)} compact_rev_key`,
    },
    {
      label: 'Backlog',
      value:
        `${plural(kine.historyRows, 'superseded revision')} (${formatBytes(kine.historyBytes)}) wait for ` +
        `compaction, against ${formatBytes(kine.liveBytes)} of live rows`,
    },
    { label: 'Schema', value: `${kine.schema.variant} in database "${kine.database}"` },
  ];
  const tables: Table[] = [prefixTable(analysis, top), hotKeyTable(analysis, top)];
  const leases = analysis.leases.filter((l) => (l.leaseTransitions ?? 0) > 0);
  if (leases.length > 0) {
    tables.push({
      title: 'Leases by leader transitions',
      columns: [
        { header: 'lease', align: 'left', shrink: true },
        { header: 'transitions', align: 'right' },
        { header: 'holder', align: 'left', shrink: true },
        { header: 'renewed (UTC)', align: 'left' },
      ],
      ...topRows(leases, top, (l) => [
        `${l.namespace}/${l.name}`,
        formatCount(l.leaseTransitions ?? 0),
        holderName(l.holderIdentity),
        l.renewTime ? formatTime(l.renewTime).slice(0, 16) : '-',
      ]),
    });
  }
  return { id: 'kine', title: 'Kine history', facts, tables, notes: decodingNotes(analysis) };
}

function prefixTable(analysis: Analysis, top: number): Table {
  return {
    title: 'Top resources (live + history bytes)',
    columns: [
      { header: 'resource', align: 'left', shrink: true },
      { header: 'live keys', align: 'right' },
      { header: 'live', align: 'right' },
      { header: 'history rows', align: 'right' },
      { header: 'history', align: 'right' },
    ],
    ...topRows(analysis.prefixes, top, (p) => [
      p.prefix,
      formatCount(p.liveKeys),
      formatBytes(p.liveBytes),
      formatCount(p.historyRows),
      formatBytes(p.historyBytes),
    ]),
  };
}

function hotKeyTable(analysis: Analysis, top: number): Table {
  return {
    title: 'Hot keys (most retained revisions)',
    columns: [
      { header: 'resource', align: 'left', shrink: true },
      { header: 'name', align: 'left', shrink: true },
      { header: 'revisions', align: 'right' },
      { header: 'share', align: 'right' },
      { header: 'bytes', align: 'right' },
    ],
    ...topRows(analysis.hotKeys, top, (k) => [
      k.resource,
      `${keyName(k.key, k.prefix)}${k.deleted ? ' (deleted)' : ''}`,
      formatCount(k.revisions),
      formatPercent(k.share),
      formatBytes(k.bytes),
    ]),
  };
}

// Values that could not be decoded are never fatal, but the reader must know the figures skip them.
function decodingNotes(analysis: Analysis): string[] {
  const notes: string[] = [];
  for (const stats of analysis.decoding) {
    if (stats.failed > 0) {
      notes.push(
        `${stats.prefix}: ${stats.failed} of ${plural(stats.values, 'value')} could not be decoded ` +
          `(${Object.entries(stats.reasons)
            .map(([reason, n]) => `${reason} ${n}`)
            .join(', ')}); the findings skip them.`,
      );
    }
    if (stats.encrypted > 0) {
      notes.push(
        `${stats.prefix}: ${plural(stats.encrypted, 'value')} encrypted at rest, counted, not decoded.`,
      );
    }
  }
  return notes;
}

/** Retained rows per resource for the HTML chart, largest first. */
export function buildRevisionBars(analysis: Analysis, top: number): Charts['revisions'] {
  return [...analysis.prefixes]
    .sort((a, b) => b.rows - a.rows || a.prefix.localeCompare(b.prefix))
    .slice(0, top)
    .map((p) => ({ label: p.prefix, latest: p.rows - p.historyRows, history: p.historyRows }));
}

// client-go's leader election writes `<hostname>_<uuid>`; the host is what an operator looks for, and
// the whole identity is in the finding's evidence and the JSON.
function holderName(identity: string | null): string {
  if (!identity) return '-';
  return identity.replace(/_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, '');
}
