import { dirname, resolve } from 'node:path';
import {
  ANALYSIS_SCHEMA_VERSION,
  type Analysis,
  type ComparedSnapshot,
  type Comparison,
  type IntervalSource,
} from '../analysis-types.js';
import { AnalyzerError } from '../errors.js';
import { formatCount } from '../format.js';
import { type Lineage, lineageOf } from '../raft/snapshot-lineage.js';
import { type NodeInfo, readDataDir } from '../source/data-dir.js';
import type { WritesSince } from './writes.js';

/** The comparable facts of one analysed snapshot; `node` from the info.yaml beside it, if any. */
export function comparedSnapshot(
  analysis: Analysis,
  node: Pick<NodeInfo, 'id' | 'address'> | null = analysis.dataDir?.node ?? null,
): ComparedSnapshot {
  const copyPath = analysis.databases.find((d) => d.name === analysis.kine?.database)?.copyPath;
  const meta = analysis.raft?.configurationIndex !== null && analysis.raft?.configurationIndex !== undefined;
  return {
    ...(copyPath ? { copyPath } : {}),
    path: analysis.source.path,
    dataFile: analysis.source.dataFile,
    directory: resolve(dirname(analysis.source.dataFile)),
    nodeId: node?.id ?? null,
    nodeAddress: node?.address ?? null,
    configurationIndex: meta ? analysis.raft!.configurationIndex : null,
    servers: meta ? analysis.raft!.servers : null,
    term: analysis.raft?.term ?? null,
    index: analysis.raft?.index ?? null,
    timestampMs: analysis.raft?.timestamp ?? null,
    modifiedAt: analysis.source.modifiedAt,
    currentRevision: analysis.kine?.currentRevision ?? 0,
    compactRevision: analysis.kine?.compactRevision ?? null,
  };
}

/** The node an analysed snapshot comes from: its data directory's info.yaml, when the file still sits there. */
export async function nodeOf(analysis: Analysis): Promise<NodeInfo | null> {
  if (analysis.dataDir) return analysis.dataDir.node ?? null;
  if (!analysis.raft) return null;
  const listing = await readDataDir(dirname(analysis.source.dataFile)).catch(() => undefined);
  return listing?.node ?? null;
}

/** Seconds between two snapshots and where they came from. */
export interface Interval {
  seconds: number | null;
  source: IntervalSource | null;
  note: string;
}

/** The shortest interval a rate is computed over: below it, clock granularity and copies dominate. */
export const MIN_INTERVAL_SECONDS = 1;

/** What to do when the interval is unknown; the CLI flag and the core option carry the same name. */
export const INTERVAL_HINT = 'rerun with --interval-seconds <seconds between the two snapshots>';

/**
 * Pick the time base: a caller-given interval; else the difference of the file names' monotonic
 * timestamps when both files come from one node (lineageOf: one directory, or the same node id and
 * address in both info.yaml files) in one term and the newer one's is larger (one boot: libuv's clock restarts at boot); else the
 * modification times, but only of files in the node's own data directory (the node wrote them
 * there; a copy's time is when it was copied: "700 revisions in 0.00 s" came from two `cp`s 4 ms
 * apart). Under MIN_INTERVAL_SECONDS, or with no usable time base, the interval is unknown.
 */
export function intervalBetween(older: ComparedSnapshot, newer: ComparedSnapshot, given?: number): Interval {
  if (given !== undefined) {
    return { seconds: given, source: 'given', note: `${given} s given by the caller` };
  }
  const sameDirectory = older.directory === newer.directory;
  const oneNode = lineageOf(older, newer).relation === 'same-node';
  const term = older.term !== null && older.term === newer.term ? older.term : null;
  const unknown = (why: string): Interval => ({
    seconds: null,
    source: null,
    note: `unknown: ${why}; ${INTERVAL_HINT}`,
  });
  if (oneNode && term !== null && older.timestampMs !== null && newer.timestampMs !== null) {
    if (newer.timestampMs > older.timestampMs) {
      const seconds = (newer.timestampMs - older.timestampMs) / 1000;
      if (seconds < MIN_INTERVAL_SECONDS) {
        return unknown(`the file names' timestamps are ${seconds} s apart, under ${MIN_INTERVAL_SECONDS} s`);
      }
      return {
        seconds,
        source: 'snapshot-timestamps',
        note: `snapshot file names of one node (${newer.directory}), term ${formatCount(term)}: ${formatCount(older.timestampMs)} ms → ${formatCount(newer.timestampMs)} ms on its monotonic clock`,
      };
    }
  }
  const why = !oneNode
    ? "the snapshots are not known to be one node's (different directories, no info.yaml naming the same node)"
    : term === null
      ? 'the file names carry different terms (or none): the node may have restarted in between'
      : older.timestampMs === null || newer.timestampMs === null
        ? 'a file name carries no monotonic timestamp'
        : 'the newer file name has the smaller monotonic timestamp (the node rebooted in between)';
  // Only the node's own data directory (its info.yaml beside the files) has the times it wrote them.
  if (!sameDirectory || older.nodeId === null) {
    return unknown(`${why}, and the files' modification times may be those of copies`);
  }
  const mtime = (Date.parse(newer.modifiedAt) - Date.parse(older.modifiedAt)) / 1000;
  if (mtime < MIN_INTERVAL_SECONDS) {
    return unknown(`${why}, and the modification times are ${mtime} s apart`);
  }
  return {
    seconds: mtime,
    source: 'file-mtimes',
    note: `file modification times in the node's data directory (${older.modifiedAt} → ${newer.modifiedAt}), because ${why}`,
  };
}

const perMinute = (count: number, seconds: number | null): number | null =>
  seconds === null || seconds <= 0 ? null : (count * 60) / seconds;

/**
 * How two snapshots relate, or DQA_COMPARE_CLUSTERS when their files contradict one history: their
 * revisions, and so the writes "between" them, would mean nothing.
 */
export function lineageBetween(
  a: ComparedSnapshot,
  b: ComparedSnapshot,
): Exclude<Lineage, { relation: 'different' }> {
  const lineage = lineageOf(a, b);
  if (lineage.relation !== 'different') return lineage;
  throw new AnalyzerError(
    'DQA_COMPARE_CLUSTERS',
    `${a.dataFile} and ${b.dataFile} are not one cluster's history: ${lineage.note}; compare two snapshots of the same cluster`,
    { older: a.dataFile, newer: b.dataFile },
  );
}

/** Put together what two snapshots' facts and the rows written between them say (lineageBetween first). */
export function buildComparison(
  a: ComparedSnapshot,
  b: ComparedSnapshot,
  writes: WritesSince,
  intervalSeconds?: number,
): Comparison {
  const lineage = lineageBetween(a, b);
  const interval = intervalBetween(a, b, intervalSeconds);
  const revisionsWritten = b.currentRevision - a.currentRevision;
  return {
    schemaVersion: ANALYSIS_SCHEMA_VERSION,
    older: a,
    newer: b,
    lineage,
    intervalSeconds: interval.seconds,
    intervalSource: interval.source,
    intervalNote: interval.note,
    revisionsWritten,
    retainedRows: writes.rows,
    bookkeepingRows: writes.bookkeepingRows,
    compactedRevisions: Math.max(0, revisionsWritten - writes.rows - writes.bookkeepingRows),
    revisionsPerMinute: perMinute(revisionsWritten, interval.seconds),
    compactedBetween: (b.compactRevision ?? 0) > a.currentRevision,
    writes: writes.keys.map((k) => ({ ...k, perMinute: perMinute(k.revisions, interval.seconds) })),
    writesByPrefix: writes.prefixes.map((p) => ({
      ...p,
      perMinute: perMinute(p.revisions, interval.seconds),
    })),
    eventObjects: writes.eventObjects.map((e) => ({
      ...e,
      perMinute: perMinute(e.revisions, interval.seconds),
    })),
  };
}
