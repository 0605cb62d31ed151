import { setPriority } from 'node:os';
import { dirname } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { analyze, isAnalyzerError, readDataDir } from '@dqlite-analyzer/core';
import type { OutcomeCode } from './analysis-runner.js';

/** What the runner sends: one snapshot to analyse. */
export interface AnalysisJob {
  path: string;
  tempDir: string | undefined;
  nice: number;
  /** The snapshot analysed before this one, still on disk; undefined: the one raft kept before it. */
  previous: string | undefined;
}

/** What the worker answers. */
export type AnalysisReply =
  | { ok: true; analysis: import('@dqlite-analyzer/core').Analysis }
  | { ok: false; code: Exclude<OutcomeCode, 'VANISHED'>; message: string };

const job = workerData as AnalysisJob;
try {
  // On Linux the nice value is per thread and setpriority(pid 0) changes the calling thread
  // only (setpriority(2), NOTES), so this lowers the analysis, not the thread serving /metrics.
  setPriority(job.nice);
} catch {
  // Not permitted here (some container runtimes): analyse at normal priority.
}
let reply: AnalysisReply;
try {
  // requireKine: false — storage figures are worth having for any dqlite database.
  // parallel: false — one core for the agent's analysis; the node's work has the other.
  // compareWith: the core reads that snapshot's revision counter first and then this one, one
  // database at a time, so the comparison does not double the worker's peak memory.
  const compareWith = job.previous ?? (await snapshotBefore(job.path));
  const analysis = await analyze(job.path, {
    requireKine: false,
    tempDir: job.tempDir,
    parallel: false,
    ...(compareWith ? { compareWith } : {}),
  });
  reply = { ok: true, analysis };
} catch (error) {
  reply = isAnalyzerError(error)
    ? { ok: false, code: error.code, message: error.message }
    : { ok: false, code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}
parentPort?.postMessage(reply);

// The complete snapshot raft kept just before `path` in its data directory, if any.
async function snapshotBefore(path: string): Promise<string | undefined> {
  const listing = await readDataDir(dirname(path)).catch(() => undefined);
  const snapshots = listing?.snapshots ?? [];
  const at = snapshots.findIndex((s) => s.dataFile === path);
  return at < 0 ? undefined : snapshots[at + 1]?.dataFile;
}
