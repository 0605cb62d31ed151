import { join } from 'node:path';
import { ANALYSIS_SCHEMA_VERSION, type Analysis, type DatabaseAnalysis } from './analysis-types.js';
import { type Check, runChecks } from './checks/index.js';
import { lockWindowOf } from './checks/lock-window.js';
import { AnalyzerError } from './errors.js';
import type { ExtractedDatabase } from './fsm/extract.js';
import { copyOut } from './io/copy-file.js';
import { createPrivateDir } from './io/temp-dir.js';
import { buildComparison, comparedSnapshot } from './kine/compare.js';
import { readWritesSince, type WritesSince } from './kine/writes.js';
import type { KineDetails } from './kine-analysis.js';
import { type KineInspector, measureDatabase } from './measure-database.js';
import { noteIncompleteReads } from './partial-reads.js';
import { readRaftInfo } from './raft/raft-info.js';
import { extractInput } from './source/extract-input.js';
import { ensureOutsideInput } from './source/outside-input.js';
import { resolveInput } from './source/resolve-input.js';
import type { ProgressListener } from './source/snapshot-file.js';
import type { IntegrityMode } from './sqlite/integrity.js';
import { SideThread } from './sqlite/side-thread.js';
import { type Timings, timed, timedAsync } from './timings.js';
import {
  type OlderReadOptions,
  type OlderSnapshot,
  olderSnapshotMismatch,
  readOlderSnapshot,
  readOlderSnapshotAt,
} from './writes-between.js';

export type { KineInspector } from './measure-database.js';

// Below this the page walks cost less on this thread than a second one: starting a worker and
// loading the driver there takes ~60 ms of CPU, and the walks ~1.1 ms per MB (0.43 s at 377 MB).
// Measured on the sample (6.5 MB): 0.30 s without the thread, 0.36 s with it.
export const SIDE_THREAD_MIN_BYTES = 48 << 20;

export interface AnalyzeOptions {
  /** Measure the exact compacted size with VACUUM INTO on the private copy (slower). */
  vacuum?: boolean;
  /** Where the private copy goes (default: the OS temp dir). */
  tempDir?: string;
  /** Throw DQA_KINE_NOT_FOUND when no database is kine (default true). */
  requireKine?: boolean;
  onProgress?: ProgressListener;
  /** Break the per-prefix figures down per namespace (`prefixes[].namespaces`). */
  byNamespace?: boolean;
  /** How many hot keys to list (default 20). */
  hotKeys?: number;
  /** The checks to run (default: all of CHECKS). */
  checks?: readonly Check[];
  /** SQLite's consistency check on each copy (default 'quick', the check dqlite runs after a restore). */
  integrity?: IntegrityMode;
  /**
   * Keep each database's copy (WAL applied) in this existing directory as `<name>.db`, so the
   * figures and the findings' `sqlite3 <copy>` lines can be checked by hand. Never overwrites.
   */
  keepCopiesIn?: string;
  /**
   * Walk the pages (dbstat, the integrity check) on a second thread while the kine scan runs on
   * this one. Default: when the input holds more than SIDE_THREAD_MIN_BYTES. The agent turns it
   * off to stay on one core of a busy node.
   */
  parallel?: boolean;
  /**
   * For a data directory, also read its older snapshot's revision counter and count the writes
   * between the two (`Analysis.writes`); default true.
   */
  writes?: boolean;
  /**
   * For a snapshot file: an older snapshot of the same node to count the writes since (the agent
   * passes the previous one it analysed). Ignored for a data directory, which has its own.
   */
  compareWith?: string;
}

/**
 * Analyse a snapshot file, a dqlite data directory or a SQLite file. The input is only read;
 * the work happens on a private copy that is removed before this returns or throws.
 */
export function analyze(path: string, options: AnalyzeOptions = {}): Promise<Analysis> {
  return analyzeWith(path, options);
}

/**
 * analyze() with a hook on the open kine database; internal to the core (used by compare()).
 * The pipeline: input → extract → measure (page walks beside the kine scan) → checks.
 */
export async function analyzeWith(
  path: string,
  options: AnalyzeOptions,
  inspect?: KineInspector,
): Promise<Analysis> {
  const timings: Timings = {};
  const input = await resolveInput(path);
  if (options.tempDir !== undefined) ensureOutsideInput(input, options.tempDir, 'the temp dir');
  if (options.keepCopiesIn !== undefined)
    ensureOutsideInput(input, options.keepCopiesIn, 'the kept copies dir');
  const raft = input.kind === 'sqlite' ? null : await readRaftInfo(input.dataFile, input.metaFile);
  // The older snapshot first, its copy removed before the newer one is extracted: one at a time.
  const older: OlderSnapshot | undefined =
    options.writes === false
      ? undefined
      : input.dataDir
        ? await readOlderSnapshot(input.dataDir, olderOptions(options))
        : options.compareWith && input.kind === 'snapshot'
          ? await readOlderSnapshotAt(options.compareWith, olderOptions(options))
          : undefined;
  let writesSince: WritesSince | undefined;
  const olderRevision = older?.snapshot?.currentRevision;
  const inspectAll: KineInspector | undefined =
    olderRevision === undefined
      ? inspect
      : (db, details) => {
          if (details.kine.currentRevision >= olderRevision) writesSince = readWritesSince(db, olderRevision);
          inspect?.(db, details);
        };
  const dir = createPrivateDir(options.tempDir);
  // Started now so that its start-up overlaps the extraction.
  const side =
    (options.parallel ?? input.expectedBytes > SIDE_THREAD_MIN_BYTES) ? new SideThread() : undefined;
  try {
    const extracted = await timedAsync(timings, 'extract', () =>
      extractInput(input, dir.path, options.onProgress),
    );
    const databases: DatabaseAnalysis[] = [];
    let details: KineDetails | null = null;
    for (const database of extracted.databases) {
      const measured = await measureDatabase(
        database,
        { ...options, dir: dir.path, side, inspect: inspectAll },
        timings,
      );
      if (options.keepCopiesIn && measured.analysis.pageCount > 0) {
        // The copy is closed, so SQLite has merged its WAL into the main file: one file to hand over.
        measured.analysis.copyPath = keepCopy(database, options.keepCopiesIn, '');
      }
      databases.push(measured.analysis);
      if (measured.details && (!details || database.name === 'k8s')) details = measured.details;
    }
    if (!details && options.requireKine !== false) {
      const names = databases.map((d) => `${d.name} (tables: ${d.tables.join(', ') || 'none'})`).join('; ');
      throw new AnalyzerError(
        'DQA_KINE_NOT_FOUND',
        `${input.dataFile}: no database has a kine table: ${names}`,
        {
          path: input.dataFile,
        },
      );
    }
    const analysis: Analysis = {
      schemaVersion: ANALYSIS_SCHEMA_VERSION,
      analyzedAt: new Date().toISOString(),
      source: {
        path,
        kind: input.kind,
        dataFile: input.dataFile,
        metaFile: input.metaFile,
        compression: input.compression ?? null,
        bytesOnDisk: input.bytesOnDisk,
        payloadBytes: extracted.payloadBytes,
        modifiedAt: input.modifiedAt,
      },
      raft,
      dataDir: input.dataDir,
      databases,
      kine: details?.kine ?? null,
      prefixes: details?.prefixes ?? [],
      hotKeys: details?.hotKeys ?? [],
      leases: details?.leases ?? [],
      objects: details?.objects ?? null,
      decoding: details?.decoding ?? [],
      lockWindowEstimate: null,
      writes: null,
      writesUnavailable: null,
      findings: [],
      partial: false,
      warnings: [],
      timings,
    };
    Object.assign(analysis, writesBetween(analysis, older, writesSince));
    noteIncompleteReads(analysis);
    analysis.lockWindowEstimate = lockWindowOf(analysis);
    analysis.findings = timed(timings, 'findings', () => runChecks(analysis, options.checks));
    return analysis;
  } finally {
    await side?.stop();
    dir.release();
  }
}

// The copy is closed, so SQLite has merged its WAL into the main file: one file to hand over.
function keepCopy(database: ExtractedDatabase, dir: string, suffix: string): string {
  const target = join(dir, `${safeFileName(database.name) || `db${database.index}`}${suffix}.db`);
  copyOut(database.mainPath, target, `the copy of "${database.name}"`);
  return target;
}

// The older snapshot's kine database is kept beside the newer one's, as `<name>.older.db`.
function olderOptions(options: AnalyzeOptions): OlderReadOptions {
  const dir = options.keepCopiesIn;
  return {
    tempDir: options.tempDir,
    keep: dir ? (database) => keepCopy(database, dir, '.older') : undefined,
  };
}

function writesBetween(
  analysis: Analysis,
  older: OlderSnapshot | undefined,
  since: WritesSince | undefined,
): Pick<Analysis, 'writes' | 'writesUnavailable'> {
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
  const newer = comparedSnapshot(analysis);
  const mismatch = olderSnapshotMismatch(older.snapshot, newer.currentRevision);
  if (mismatch || !since) {
    return { writes: null, writesUnavailable: mismatch ?? 'no write rate: no kine table' };
  }
  return { writes: buildComparison(older.snapshot, newer, since), writesUnavailable: null };
}

// A database name is untrusted input: only a plain file name goes into the kept copy's path.
function safeFileName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_');
}
