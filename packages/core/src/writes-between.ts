import type { Analysis } from './analysis-types.js';
import type { AnalyzeOptions } from './analyze-options.js';
import { keepCopy } from './kept-copy.js';
import { buildComparison, comparedSnapshot, nodeOf } from './kine/compare.js';
import { readWritesSince, type WritesSince } from './kine/writes.js';
import type { KineInspector } from './measure-database.js';
import {
  type OlderReadOptions,
  type OlderSnapshot,
  olderSnapshotMismatch,
  readOlderSnapshot,
  readOlderSnapshotAt,
} from './older-snapshot.js';
import type { ResolvedInput } from './source/resolve-input.js';

/** Analysis.writes: the writes between the input's older snapshot and the input. */
export interface WritesBetween {
  /** The caller's inspector, also counting the writes since the older snapshot's revision. */
  inspect: KineInspector | undefined;
  /** `writes` and `writesUnavailable`, once the input is measured. */
  result(analysis: Analysis): Promise<Pick<Analysis, 'writes' | 'writesUnavailable'>>;
}

/**
 * Read the older snapshot (a data directory's second-newest, or `compareWith` for a snapshot file)
 * before the input is extracted, its copy removed first: one snapshot on disk at a time.
 */
export async function startWritesBetween(
  input: ResolvedInput,
  options: AnalyzeOptions,
  inspect: KineInspector | undefined,
): Promise<WritesBetween> {
  const older: OlderSnapshot | undefined =
    options.writes === false
      ? undefined
      : input.dataDir
        ? await readOlderSnapshot(input.dataDir, olderOptions(options))
        : options.compareWith && input.kind === 'snapshot'
          ? await readOlderSnapshotAt(options.compareWith, olderOptions(options))
          : undefined;
  let since: WritesSince | undefined;
  const olderRevision = older?.snapshot?.currentRevision;
  return {
    inspect:
      olderRevision === undefined
        ? inspect
        : (db, details) => {
            if (details.kine.currentRevision >= olderRevision) since = readWritesSince(db, olderRevision);
            inspect?.(db, details);
          },
    result: (analysis) => writesBetween(analysis, older, since),
  };
}

// The older snapshot's kine database is kept beside the newer one's, as `<name>.older.db`.
function olderOptions(options: AnalyzeOptions): OlderReadOptions {
  const dir = options.keepCopiesIn;
  return {
    tempDir: options.tempDir,
    keep: dir ? (database) => keepCopy(database, dir, '.older') : undefined,
  };
}

async function writesBetween(
  analysis: Analysis,
  older: OlderSnapshot | undefined,
  since: WritesSince | undefined,
): Promise<Pick<Analysis, 'writes' | 'writesUnavailable'>> {
  if (!older) {
    return {
      writes: null,
      writesUnavailable:
        analysis.source.kind === 'data-dir'
          ? 'no write rate: not measured (writes: false)'
          : 'no write rate: the input is one file; give the data directory (raft keeps its two newest ' +
            'snapshots there), or compare two snapshots with dqlite-analyze compare',
    };
  }
  if (!older.snapshot) return { writes: null, writesUnavailable: older.unavailable };
  // The newer one's node too: a snapshot file (the agent's) has no listing of its own.
  const newer = comparedSnapshot(analysis, await nodeOf(analysis));
  const mismatch = olderSnapshotMismatch(older.snapshot, newer);
  if (mismatch || !since) {
    return { writes: null, writesUnavailable: mismatch ?? 'no write rate: no kine table' };
  }
  return { writes: buildComparison(older.snapshot, newer, since), writesUnavailable: null };
}
