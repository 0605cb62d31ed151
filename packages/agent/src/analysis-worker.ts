import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { analyze, isAnalyzerError } from '@dqlite-analyzer/core';
import type { OutcomeCode } from './analysis-runner.js';

/** What the runner sends: one snapshot to analyse. */
export interface AnalysisJob {
  path: string;
  tempDir: string | undefined;
  nice: number;
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
  const analysis = await analyze(job.path, { requireKine: false, tempDir: job.tempDir, parallel: false });
  reply = { ok: true, analysis };
} catch (error) {
  reply = isAnalyzerError(error)
    ? { ok: false, code: error.code, message: error.message }
    : { ok: false, code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) };
}
parentPort?.postMessage(reply);
