import type { Comparison } from './analysis-types.js';
import { analyzeInput } from './analyze.js';
import type { AnalyzeOptions } from './analyze-options.js';
import { AnalyzerError } from './errors.js';
import { buildComparison, comparedSnapshot, nodeOf } from './kine/compare.js';
import { readWritesSince, type WritesSince } from './kine/writes.js';
import { prepareOutputPaths } from './output-paths.js';
import { resolveInput } from './source/resolve-input.js';

export interface CompareOptions extends Omit<AnalyzeOptions, 'checks'> {
  /** Seconds between the two snapshots, when the caller knows better than the files. */
  intervalSeconds?: number;
  /** How many keys `writes` lists (default 50). */
  keyLimit?: number;
}

/**
 * Compare two snapshots of one cluster: what was written between them, per key and per prefix, and
 * at what rate. Each input is analysed on its own private copy, as analyze() does.
 */
export async function compare(
  olderPath: string,
  newerPath: string,
  options: CompareOptions = {},
): Promise<Comparison> {
  const analyzeOptions: AnalyzeOptions = { ...options, checks: [], writes: false };
  // Both inputs resolved and every output path checked against each before the long part.
  const olderInput = await resolveInput(olderPath);
  const newerInput = await resolveInput(newerPath);
  prepareOutputPaths([olderInput, newerInput], analyzeOptions);
  const older = await analyzeInput(olderInput, analyzeOptions);
  const since = older.kine?.currentRevision ?? 0;
  let writes: WritesSince | undefined;
  const newer = await analyzeInput(newerInput, analyzeOptions, (db) => {
    writes = readWritesSince(db, since, options.keyLimit);
  });
  const newerRevision = newer.kine?.currentRevision ?? 0;
  if (!writes || newerRevision < since) {
    throw new AnalyzerError(
      'DQA_COMPARE_ORDER',
      `${newerPath} (revision ${newerRevision}) is older than ${olderPath} (revision ${since}); ` +
        'pass the older snapshot first, and two snapshots of the same cluster',
      { older: olderPath, newer: newerPath, olderRevision: since, newerRevision },
    );
  }
  const [a, b] = await Promise.all([older, newer].map(async (x) => comparedSnapshot(x, await nodeOf(x))));
  // Throws DQA_COMPARE_CLUSTERS when the two files contradict one history.
  return buildComparison(a!, b!, writes, options.intervalSeconds);
}
