import { dirname, resolve } from 'node:path';
import {
  ANALYSIS_SCHEMA_VERSION,
  type Analysis,
  type ComparedSnapshot,
  type Comparison,
  type IntervalSource,
} from '../analysis-types.js';
import type { WritesSince } from './writes.js';

/** The comparable facts of one analysed snapshot. */
export function comparedSnapshot(analysis: Analysis): ComparedSnapshot {
  return {
    path: analysis.source.path,
    dataFile: analysis.source.dataFile,
    directory: resolve(dirname(analysis.source.dataFile)),
    term: analysis.raft?.term ?? null,
    index: analysis.raft?.index ?? null,
    timestampMs: analysis.raft?.timestamp ?? null,
    modifiedAt: analysis.source.modifiedAt,
    currentRevision: analysis.kine?.currentRevision ?? 0,
    compactRevision: analysis.kine?.compactRevision ?? null,
  };
}

/** Seconds between two snapshots and where they came from. */
export interface Interval {
  seconds: number | null;
  source: IntervalSource | null;
  note: string;
}

/**
 * Pick the time base: a caller-given interval; else the difference of the file names' monotonic
 * timestamps when both files sit in one data directory (one node) and the newer one's is larger (one
 * boot: libuv's clock restarts at boot); else the files' modification times.
 */
export function intervalBetween(older: ComparedSnapshot, newer: ComparedSnapshot, given?: number): Interval {
  if (given !== undefined) {
    return { seconds: given, source: 'given', note: `${given} s given by the caller` };
  }
  const sameDirectory = older.directory === newer.directory;
  if (
    sameDirectory &&
    older.timestampMs !== null &&
    newer.timestampMs !== null &&
    newer.timestampMs > older.timestampMs
  ) {
    return {
      seconds: (newer.timestampMs - older.timestampMs) / 1000,
      source: 'snapshot-timestamps',
      note: `snapshot file names of one node (${newer.directory}): monotonic ms ${older.timestampMs} → ${newer.timestampMs}`,
    };
  }
  const why = !sameDirectory
    ? 'the snapshots come from different directories'
    : older.timestampMs === null || newer.timestampMs === null
      ? 'a file name carries no monotonic timestamp'
      : 'the newer file name has the smaller monotonic timestamp (the node rebooted in between)';
  const mtime = (Date.parse(newer.modifiedAt) - Date.parse(older.modifiedAt)) / 1000;
  if (mtime > 0) {
    return {
      seconds: mtime,
      source: 'file-mtimes',
      note: `file modification times (${older.modifiedAt} → ${newer.modifiedAt}), because ${why}`,
    };
  }
  return { seconds: null, source: null, note: `unknown: ${why}, and the modification times do not increase` };
}

const perMinute = (count: number, seconds: number | null): number | null =>
  seconds === null || seconds <= 0 ? null : (count * 60) / seconds;

/** Put together what two analyses and the rows written between them say. */
export function buildComparison(
  older: Analysis,
  newer: Analysis,
  writes: WritesSince,
  intervalSeconds?: number,
): Comparison {
  const a = comparedSnapshot(older);
  const b = comparedSnapshot(newer);
  const interval = intervalBetween(a, b, intervalSeconds);
  const revisionsWritten = b.currentRevision - a.currentRevision;
  return {
    schemaVersion: ANALYSIS_SCHEMA_VERSION,
    older: a,
    newer: b,
    intervalSeconds: interval.seconds,
    intervalSource: interval.source,
    intervalNote: interval.note,
    revisionsWritten,
    retainedRows: writes.rows,
    revisionsPerMinute: perMinute(revisionsWritten, interval.seconds),
    compactedBetween: (b.compactRevision ?? 0) > a.currentRevision,
    writes: writes.keys.map((k) => ({ ...k, perMinute: perMinute(k.revisions, interval.seconds) })),
    writesByPrefix: writes.prefixes.map((p) => ({
      ...p,
      perMinute: perMinute(p.revisions, interval.seconds),
    })),
  };
}
