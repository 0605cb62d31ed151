import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import type { Analysis } from '@dqlite-analyzer/core';
import {
  AnalysisChild,
  type ChildCommand,
  type ErrorCode,
  errorKind,
  isAnalyzerError,
  isErrorCode,
} from '@dqlite-analyzer/core/child';
import { agentAnalysisChild } from './analysis-child.js';

export interface AnalysisRunnerOptions {
  tempDir: string | undefined;
  nice: number;
  /** The analysis child to start (default: this agent started again, analysis-child.ts). */
  childCommand?: ChildCommand;
  /** A run taking longer is stopped and counted as failed (ms). */
  timeoutMs?: number;
  /** First retry (ms) of a snapshot that failed for want of temp space; doubles up to `maxRetryMs`. */
  retryMs?: number;
  maxRetryMs?: number;
}

// Failures of this machine, not of the snapshot (temp dir full or not writable, no memory): the
// same file can be analysed once that passes, which on a quiet cluster may be hours before the next
// snapshot. The kind comes with each code (ERROR_CODES in the core).
const retryable = (code: OutcomeCode | undefined) => isErrorCode(code) && errorKind(code) === 'environment';
const DEFAULT_RETRY_MS = 60_000;
const DEFAULT_MAX_RETRY_MS = 15 * 60_000;

/**
 * Why an analysis failed: a DQA_* code, VANISHED (the file was removed mid-read, which raft does),
 * TIMEOUT (killed at the time limit) or INTERNAL (a bug, or the child died).
 */
export type OutcomeCode = ErrorCode | 'VANISHED' | 'TIMEOUT' | 'INTERNAL';

/** How a run ended, the `result` label of dqlite_agent_analyses_total. */
export type AnalysisResult = 'success' | 'error' | 'vanished';
export const ANALYSIS_RESULTS: readonly AnalysisResult[] = ['success', 'error', 'vanished'];

/** A snapshot raft pruned while we read it is neither a success nor a failure. */
export function resultOf(outcome: { ok: boolean; code: OutcomeCode | undefined }): AnalysisResult {
  return outcome.ok ? 'success' : outcome.code === 'VANISHED' ? 'vanished' : 'error';
}

/** The outcome of one analysis, as the collectors and /readyz see it. */
export interface AnalysisOutcome {
  path: string;
  ok: boolean;
  code: OutcomeCode | undefined;
  message: string | undefined;
  durationSeconds: number;
  finishedAt: number;
}

/** What one run answered. */
type AnalysisReply = { ok: true; analysis: Analysis } | { ok: false; code: OutcomeCode; message: string };

/**
 * Runs the core's analyze() in a child process, one at a time, so /metrics never waits for it and
 * a run can always be stopped: a thread inside a SQLite call cannot be (Worker.terminate() never
 * resolves while a better-sqlite3 query runs), a process can be killed; the core removes its
 * private copy once it has exited (core/src/child/spawn.ts).
 * Requests made while one runs are latest-wins: only the newest waits, the others are counted as
 * skipped. Emits 'done' (AnalysisOutcome, and the Analysis when ok).
 */
export class AnalysisRunner extends EventEmitter {
  private child: AnalysisChild | undefined;
  // Settles when the run in progress has been accounted for (or dropped by stop()).
  private settled: Promise<void> = Promise.resolve();
  private queued: string | undefined;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelay: number;
  latest: Analysis | undefined;
  lastOutcome: AnalysisOutcome | undefined;
  lastSuccessAt: number | undefined;
  /** The path the latest successful analysis read. */
  lastSuccessPath: string | undefined;
  running: string | undefined;
  skipped = 0;
  /** Finished runs by result: success, error, vanished. */
  readonly results = new Map<AnalysisResult, number>();
  /** Failed runs by error code (a bounded set: DQA_* codes, TIMEOUT, INTERNAL). */
  readonly errors = new Map<OutcomeCode, number>();

  /** Runs started again after a retryable failure (a subset of the finished runs). */
  retries = 0;

  constructor(private readonly options: AnalysisRunnerOptions) {
    super();
    this.retryDelay = options.retryMs ?? DEFAULT_RETRY_MS;
  }

  /** Analyse `path` now, or after the current run (replacing anything already waiting). */
  request(path: string): void {
    if (this.stopped) return;
    this.cancelRetry();
    if (path !== this.lastOutcome?.path) this.retryDelay = this.options.retryMs ?? DEFAULT_RETRY_MS;
    if (this.running) {
      if (this.queued !== undefined) this.skipped += 1;
      this.queued = path;
      return;
    }
    this.run(path);
  }

  /** Resolves when nothing is running or waiting (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.settled;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelRetry();
    this.queued = undefined;
    await this.child?.stop();
  }

  private run(path: string): void {
    this.running = path;
    const started = performance.now();
    // The writes since the previous snapshot analysed; the child falls back to the one raft kept
    // before this one when that is gone (the agent started, or raft pruned it while we were busy).
    const previous = this.lastSuccessPath;
    const compareWith =
      previous !== undefined && previous !== path && existsSync(previous) ? previous : undefined;
    // requireKine: false — storage figures are worth having for any dqlite database.
    // parallel: false — one core for the agent's analysis; the node's work has the other.
    const child = new AnalysisChild({
      command: this.options.childCommand ?? agentAnalysisChild(),
      tempDir: this.options.tempDir,
      nice: this.options.nice,
    });
    this.child = child;
    let timedOut = false;
    const timer = setTimeout(
      () => {
        timedOut = true;
        void child.stop();
      },
      this.options.timeoutMs ?? 30 * 60 * 1000,
    );
    timer.unref();
    this.settled = child
      .run<Analysis>({
        kind: 'analyze',
        path,
        options: { requireKine: false, parallel: false, ...(compareWith ? { compareWith } : {}) },
        compareWithPredecessor: true,
      })
      .then(
        (analysis): AnalysisReply => ({ ok: true, analysis }),
        (error: unknown): AnalysisReply => {
          if (timedOut) return { ok: false, code: 'TIMEOUT', message: `analysis of ${path} took too long` };
          if (isAnalyzerError(error)) return { ok: false, code: error.code, message: error.message };
          return {
            ok: false,
            code: 'INTERNAL',
            message: error instanceof Error ? error.message : String(error),
          };
        },
      )
      .then((reply) => {
        clearTimeout(timer);
        this.child = undefined;
        // stop() ended it: the agent is shutting down, there is nothing to count or start.
        if (this.stopped && !reply.ok) this.running = undefined;
        else this.finish(path, reply, started);
      });
  }

  private finish(path: string, reply: AnalysisReply, started: number): void {
    const outcome: AnalysisOutcome = {
      path,
      ok: reply.ok,
      // A snapshot raft pruned while we read it is not a failure of the snapshot or of us.
      code: reply.ok ? undefined : existsSync(path) ? reply.code : 'VANISHED',
      message: reply.ok ? undefined : reply.message,
      durationSeconds: (performance.now() - started) / 1000,
      finishedAt: Date.now(),
    };
    const result = resultOf(outcome);
    this.results.set(result, (this.results.get(result) ?? 0) + 1);
    if (result === 'error') this.errors.set(outcome.code!, (this.errors.get(outcome.code!) ?? 0) + 1);
    this.lastOutcome = outcome;
    if (reply.ok) {
      this.latest = reply.analysis;
      this.lastSuccessAt = outcome.finishedAt;
      this.lastSuccessPath = path;
    }
    this.running = undefined;
    const next = this.queued;
    this.queued = undefined;
    if (next !== undefined && !this.stopped) this.run(next);
    else if (result === 'error' && retryable(outcome.code)) this.scheduleRetry(path);
    if (reply.ok) this.retryDelay = this.options.retryMs ?? DEFAULT_RETRY_MS;
    this.emit('done', outcome, reply.ok ? reply.analysis : undefined);
  }

  // Try the same snapshot again later, unless a newer one is requested first or raft removes it.
  private scheduleRetry(path: string): void {
    if (this.stopped) return;
    const delay = this.retryDelay;
    this.retryDelay = Math.min(delay * 2, this.options.maxRetryMs ?? DEFAULT_MAX_RETRY_MS);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.stopped || this.running || !existsSync(path)) return;
      this.retries += 1;
      this.run(path);
    }, delay);
    this.retryTimer.unref();
  }

  private cancelRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }
}
