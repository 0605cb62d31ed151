import type { Analysis } from '@dqlite-analyzer/core';
import {
  formatBytes,
  formatCount,
  formatDuration,
  formatPercent,
  formatRate,
  formatRatio,
  formatTime,
  plural,
} from './format.js';
import { buildKineSection, buildRevisionBars } from './kine-section.js';
import {
  type Charts,
  type Fact,
  type FirstScreen,
  type Report,
  type Section,
  type Table,
  topRows,
} from './model.js';
import { buildPlan } from './plan.js';
import type { ReportOptions } from './report-options.js';
import { buildSummary, type Summary, storageDatabase } from './summary.js';
import { buildWritesSection } from './writes-section.js';

/**
 * Turn an Analysis into the report every format lays out. Formats numbers; computes nothing new.
 * `summary`: its first screen, when the caller has built it already.
 */
export function buildReport(
  analysis: Analysis,
  options: ReportOptions,
  summary: Summary = buildSummary(analysis),
): Report {
  const sections = [buildSnapshotSection(analysis, options), buildStorageSection(analysis, options)];
  const kine = buildKineSection(analysis, options.top);
  if (kine) sections.push(kine);
  if (analysis.kine) sections.push(buildWritesSection(analysis, options.top));
  return {
    title: 'dqlite snapshot report',
    subject: analysis.source.dataFile,
    generatedBy: options.generatedBy,
    verdict: summary.verdict,
    firstScreen: buildFirstScreen(summary),
    warnings: analysis.kine
      ? [...analysis.warnings]
      : [
          ...analysis.warnings,
          'No database holds a kine table (--storage-only): the report covers storage only, and the ' +
            'checks that read the kine history had nothing to read.',
        ],
    sections,
    findings: analysis.findings.map(({ id, severity, title, evidence, remediation }) => ({
      id,
      severity,
      title,
      evidence: [...evidence],
      remediation,
    })),
    plan: analysis.kine ? buildPlan(analysis.findings) : null,
    charts: buildCharts(analysis, options.top),
  };
}

function buildSnapshotSection(analysis: Analysis, options: ReportOptions): Section {
  const { source, raft, dataDir } = analysis;
  const facts: Fact[] = [{ label: 'File', value: source.dataFile }];
  if (dataDir) {
    const incomplete = dataDir.incompleteCount > 0 ? `, ${dataDir.incompleteCount} incomplete` : '';
    facts.push({
      label: 'Data directory',
      value: `${dataDir.path}: the newest of ${plural(dataDir.snapshotCount, 'complete snapshot')}${incomplete}`,
    });
  }
  if (raft) {
    const config =
      raft.configurationIndex === null ? '' : `, configuration index ${formatCount(raft.configurationIndex)}`;
    const index = raft.index === null ? '?' : formatCount(raft.index);
    facts.push({ label: 'Raft', value: `term ${raft.term ?? '?'}, index ${index}${config}` });
    if (raft.timestamp !== null) {
      facts.push({
        label: 'Taken at',
        value:
          `${formatCount(raft.timestamp)} ms on the node's monotonic clock, not a date ` +
          `(about ${formatDuration(raft.timestamp)} after the node booted)`,
      });
    }
  }
  facts.push({ label: 'Written', value: `${formatTime(source.modifiedAt)} (file modification time)` });
  facts.push({ label: 'Compression', value: compressionFact(analysis) });

  const tables: Table[] = [];
  tables.push({
    title: 'Databases',
    columns: [
      { header: 'database', align: 'left', shrink: true },
      { header: 'kind', align: 'left' },
      { header: 'size', align: 'right' },
      { header: 'free pages', align: 'right' },
      { header: 'WAL', align: 'right' },
    ],
    ...topRows(analysis.databases, options.top, (db) => [
      db.name,
      db.isKine ? 'kine' : db.pageCount === 0 ? 'empty' : 'sqlite',
      formatBytes(db.fileBytes),
      `${formatCount(db.freelistCount)} (${formatPercent(db.freePageShare)})`,
      db.walFrames > 0 ? `${plural(db.walFrames, 'frame')}` : '-',
    ]),
  });
  const members = raft?.servers.length ? raft.servers : (dataDir?.members ?? []);
  if (members.length > 0) {
    tables.push({
      title: raft?.servers.length
        ? 'Members (Raft configuration in the .meta file)'
        : 'Members (cluster.yaml)',
      columns: [
        { header: 'id', align: 'left' },
        { header: 'address', align: 'left', shrink: true },
        { header: 'role', align: 'left' },
      ],
      ...topRows(members, options.top, (m) => [m.id, m.address, m.role]),
    });
  }
  const notes: string[] = [];
  if (!raft) notes.push('The input is a plain SQLite file: there are no Raft facts to show.');
  return { id: 'snapshot', title: 'Snapshot', facts, tables, notes };
}

function compressionFact(analysis: Analysis): string {
  const { source } = analysis;
  if (source.compression === 'lz4') {
    const ratio = source.bytesOnDisk > 0 ? source.payloadBytes / source.bytesOnDisk : 0;
    return (
      `LZ4, ${formatBytes(source.bytesOnDisk)} on disk, ${formatBytes(source.payloadBytes)} uncompressed ` +
      `(${formatRatio(ratio)} smaller)`
    );
  }
  if (source.compression === 'none') return `none, ${formatBytes(source.bytesOnDisk)} on disk`;
  return `not a snapshot: a SQLite file of ${formatBytes(source.bytesOnDisk)}`;
}

/** The summary's figures in words: the top writer, then the three sizes and the lock window. */
function buildFirstScreen(summary: Summary): FirstScreen {
  const facts: Fact[] = [];
  const writer = summary.topWriter;
  if (writer) {
    const rate = writer.perMinute === null ? '' : `, ${formatRate(writer.perMinute)}`;
    facts.push({
      label: 'Top writer',
      value: `${writer.key}: ${plural(writer.revisions, 'revision')}${rate} between the two newest snapshots`,
    });
  }
  const s = summary.storage;
  if (s) {
    const live = s.liveBytes === null ? '' : `, ${formatBytes(s.liveBytes)} live data`;
    const after = `${s.vacuumedExact ? '' : '~'}${formatBytes(s.vacuumedBytes)} after VACUUM`;
    facts.push({ label: 'Storage', value: `${formatBytes(s.fileBytes)} file${live}, ${after}` });
    if (s.lockWindowSeconds !== null) {
      facts.push({
        label: 'Lock window',
        value:
          `~${s.lockWindowSeconds.toFixed(2)} s per snapshot, against kine's ${s.retryBudgetSeconds} s ` +
          `retry budget (${formatPercent(s.lockWindowSeconds / s.retryBudgetSeconds)})`,
      });
    }
  }
  return { findings: summary.findings, facts };
}

function buildStorageSection(analysis: Analysis, options: ReportOptions): Section {
  const db = storageDatabase(analysis);
  const facts: Fact[] = [];
  const tables: Table[] = [];
  const notes: string[] = [];
  if (!db) return { id: 'storage', title: 'Storage', facts, tables, notes: ['No database in the input.'] };
  const kine = analysis.kine;
  const compacted = db.vacuumedBytes ?? db.estimatedVacuumedBytes;
  facts.push({ label: 'Database', value: `${db.name}${db.isKine ? ' (kine)' : ''}` });
  facts.push({
    label: 'File',
    value: `${formatBytes(db.fileBytes)} (${formatCount(db.pageCount)} pages of ${formatBytes(db.pageSize)}): what the next snapshot copies`,
  });
  if (kine) {
    facts.push({
      label: 'Live rows',
      value: `${formatBytes(kine.liveBytes)} in ${plural(kine.liveKeys, 'key')} (values alone ${formatBytes(kine.liveValueBytes)})`,
    });
  }
  facts.push({
    label: 'After VACUUM',
    value: `${formatBytes(compacted)} ${db.vacuumedBytes === undefined ? '(estimate; --vacuum measures it)' : '(measured with VACUUM INTO)'}`,
  });
  facts.push({
    label: 'Free pages',
    value: `${formatCount(db.freelistCount)} = ${formatBytes(db.freeBytes)}, ${formatPercent(db.freePageShare)} of the file`,
  });
  if (kine && kine.fileToLiveRatio !== null) {
    facts.push({
      label: 'File / live data',
      value: `the file is ${formatRatio(kine.fileToLiveRatio)} its live rows (history and free pages both count)`,
    });
  }
  if (db.integrity) {
    facts.push({
      label: 'Integrity',
      value: db.integrity.ok
        ? `${db.integrity.check}_check ok`
        : `${db.integrity.check}_check FAILED: ${db.integrity.problems.slice(0, 2).join('; ')}`,
    });
  }
  const objects = [...db.objects].sort((a, b) => b.pages - a.pages || a.name.localeCompare(b.name));
  tables.push({
    title: 'Tables and indexes (dbstat)',
    columns: [
      { header: 'name', align: 'left', shrink: true },
      { header: 'type', align: 'left' },
      { header: 'entries', align: 'right' },
      { header: 'size', align: 'right' },
      { header: 'payload', align: 'right' },
      { header: 'unused', align: 'right' },
    ],
    ...topRows(objects, options.top, (o) => [
      o.name,
      o.type,
      formatCount(o.entries),
      formatBytes(o.pages * db.pageSize),
      formatBytes(o.payloadBytes),
      formatBytes(o.unusedBytes),
    ]),
  });
  if (db.walBytes > 0) {
    notes.push(
      `The snapshot stores a ${formatBytes(db.walBytes)} WAL (${plural(db.walFrames, 'frame')}, ` +
        `${formatCount(db.walCommittedFrames)} committed) beside the main file: dqlite before 1.17 keeps it.`,
    );
  }
  return { id: 'storage', title: 'Storage', facts, tables, notes };
}

function buildCharts(analysis: Analysis, top: number): Charts {
  const db = storageDatabase(analysis);
  const kine = analysis.kine;
  let bytes: Charts['bytes'] = null;
  if (db && db.fileBytes > 0) {
    const live = kine?.liveBytes ?? 0;
    const history = kine?.historyBytes ?? 0;
    // What is neither rows nor free pages: indexes, b-tree page headers and unused space in pages.
    const other = Math.max(0, db.fileBytes - db.freeBytes - live - history);
    bytes = {
      database: db.name,
      fileBytes: db.fileBytes,
      compactedBytes: db.vacuumedBytes ?? db.estimatedVacuumedBytes,
      slices: [
        { label: 'live rows', bytes: live, tone: 'live' as const },
        { label: 'history rows', bytes: history, tone: 'history' as const },
        { label: 'free pages', bytes: db.freeBytes, tone: 'free' as const },
        { label: 'indexes and page overhead', bytes: other, tone: 'other' as const },
      ].filter((s) => s.bytes > 0),
    };
  }
  return { bytes, revisions: buildRevisionBars(analysis, top) };
}
