import { ANALYSIS_SCHEMA_VERSION, type Analysis, type DatabaseAnalysis } from './analysis-types.js';
import type { AnalyzeOptions } from './analyze-options.js';
import { ANALYSIS_LIST_LIMIT, boundLists } from './bounded-lists.js';
import { runChecks } from './checks/index.js';
import { lockWindowOf } from './checks/lock-window.js';
import { AnalyzerError } from './errors.js';
import { createPrivateDir } from './io/temp-dir.js';
import { keepCopy } from './kept-copy.js';
import type { KineDetails } from './kine-analysis.js';
import { cutLongStrings } from './long-strings.js';
import { type KineInspector, measureDatabase } from './measure-database.js';
import { prepareOutputPaths } from './output-paths.js';
import { noteIncompleteReads } from './partial-reads.js';
import { readRaftInfo } from './raft/raft-info.js';
import { extractInput } from './source/extract-input.js';
import { type ResolvedInput, resolveInput } from './source/resolve-input.js';
import { SideThread } from './sqlite/side-thread.js';
import { type Timings, timed, timedAsync } from './timings.js';
import { startWritesBetween } from './writes-between.js';

export type { AnalyzeOptions } from './analyze-options.js';
export type { KineInspector } from './measure-database.js';

// Below this the page walks cost less on this thread than a second one: starting a worker and
// loading the driver there takes ~60 ms of CPU, and the walks ~1.1 ms per MB (0.43 s at 377 MB).
// Measured on the sample (6.5 MB): 0.30 s without the thread, 0.36 s with it.
export const SIDE_THREAD_MIN_BYTES = 48 << 20;

/**
 * Analyse a snapshot file, a dqlite data directory or a SQLite file. The input is only read;
 * the work happens on a private copy that is removed before this returns or throws.
 */
export async function analyze(path: string, options: AnalyzeOptions = {}): Promise<Analysis> {
  const input = await resolveInput(path);
  prepareOutputPaths([input], options);
  return analyzeInput(input, options);
}

/**
 * analyze() of a resolved input whose output paths are prepared, with a hook on the open kine
 * database; internal to the core (used by compare()).
 * The pipeline: input → extract → measure (page walks beside the kine scan) → kine → checks.
 */
export async function analyzeInput(
  input: ResolvedInput,
  options: AnalyzeOptions,
  inspect?: KineInspector,
): Promise<Analysis> {
  const timings: Timings = {};
  const raft = input.kind === 'sqlite' ? null : await readRaftInfo(input.dataFile, input.metaFile);
  // The older snapshot first, its copy removed before the newer one is extracted: one at a time.
  const writes = await startWritesBetween(input, options, inspect);
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
        { ...options, dir: dir.path, side, inspect: writes.inspect },
        timings,
      );
      if (options.keepCopiesIn && measured.analysis.pageCount > 0) {
        measured.analysis.copyPath = keepCopy(database, options.keepCopiesIn);
      }
      databases.push(measured.analysis);
      if (measured.details && (!details || database.name === 'k8s')) details = measured.details;
    }
    if (!details && options.requireKine !== false) {
      // One line however many databases or tables: the first few of each, and how many more.
      const few = (list: readonly string[], what: string, separator: string) =>
        list.length > 10
          ? `${list.slice(0, 10).join(separator)}${separator}and ${list.length - 10} more ${what}`
          : list.join(separator);
      const names = few(
        databases.map((d) => `${d.name} (tables: ${few(d.tables, 'tables', ', ') || 'none'})`),
        'databases',
        '; ',
      );
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
        path: input.path,
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
      truncatedLists: {},
      timings,
    };
    Object.assign(analysis, await writes.result(analysis));
    noteIncompleteReads(analysis);
    analysis.lockWindowEstimate = lockWindowOf(analysis);
    analysis.findings = timed(timings, 'findings', () => runChecks(analysis, options.checks));
    const kineDb = databases.find((d) => d.name === analysis.kine?.database);
    // The scan's own cuts first (it kept the first webhooks only), then every other list's.
    analysis.truncatedLists = { ...details?.truncatedLists, ...boundLists(analysis) };
    // Every other string from the snapshot (a key in a lease, a webhook or a decode failure, a
    // prefix, an evidence line holding one) bounded too, before the Analysis is copied anywhere.
    cutLongStrings(analysis);
    if (kineDb && !analysis.databases.includes(kineDb)) analysis.databases[ANALYSIS_LIST_LIMIT - 1] = kineDb;
    return analysis;
  } finally {
    await side?.stop();
    dir.release();
  }
}
