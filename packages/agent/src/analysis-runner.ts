import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { Analysis } from '@dqlite-analyzer/core';
import type { AnalysisJob, AnalysisReply } from './analysis-worker.js';

export interface AnalysisRunnerOptions {
  tempDir: string | undefined;
  nice: number;
  /** The compiled worker module; defaults to analysis-worker.js beside this file. */
  workerUrl?: URL;
  /** A run taking longer is stopped and counted as failed (ms). */
  timeoutMs?: number;
}

/** The outcome of one analysis, as the collectors and /readyz see it. */
export interface AnalysisOutcome {
  path: string;
  ok: boolean;
  /** DQA_* code, VANISHED (the file was removed mid-read, which raft does), TIMEOUT or INTERNAL. */
  code: string | undefined;
  message: string | undefined;
  durationSeconds: number;
  finishedAt: number;
}

// Under vitest this file runs from src/*.ts, and a worker cannot load TypeScript on Node 20:
// use the compiled worker in dist/ (tsc -b runs before the tests).
function defaultWorkerUrl(): URL {
  const here = import.meta.url;
  return here.endsWith('.ts')
    ? new URL('../dist/analysis-worker.js', here)
    : new URL('./analysis-worker.js', here);
}

/**
 * Runs the core's analyze() in a worker thread, one at a time, so /metrics never waits for it.
 * Requests made while one runs are latest-wins: only the newest waits, the others are counted as
 * skipped. Emits 'done' (AnalysisOutcome, and the Analysis when ok).
 */
export class AnalysisRunner extends EventEmitter {
  private worker: Worker | undefined;
  private queued: string | undefined;
  private stopped = false;
  latest: Analysis | undefined;
  lastOutcome: AnalysisOutcome | undefined;
  lastSuccessAt: number | undefined;
  /** The path the latest successful analysis read. */
  lastSuccessPath: string | undefined;
  running: string | undefined;
  skipped = 0;
  /** Finished runs by result: success, error, vanished. */
  readonly results = new Map<string, number>();
  /** Failed runs by error code (a bounded set: DQA_* codes, TIMEOUT, INTERNAL). */
  readonly errors = new Map<string, number>();

  constructor(private readonly options: AnalysisRunnerOptions) {
    super();
  }

  /** Analyse `path` now, or after the current run (replacing anything already waiting). */
  request(path: string): void {
    if (this.stopped) return;
    if (this.running) {
      if (this.queued !== undefined) this.skipped += 1;
      this.queued = path;
      return;
    }
    this.run(path);
  }

  /** Resolves when nothing is running or waiting (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await new Promise((resolve) => this.once('done', resolve));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.queued = undefined;
    await this.worker?.terminate();
  }

  private run(path: string): void {
    this.running = path;
    const started = performance.now();
    const job: AnalysisJob = { path, tempDir: this.options.tempDir, nice: this.options.nice };
    const worker = new Worker(this.options.workerUrl ?? defaultWorkerUrl(), { workerData: job });
    this.worker = worker;
    let reply: AnalysisReply | undefined;
    const timer = setTimeout(
      () => {
        reply = { ok: false, code: 'TIMEOUT', message: `analysis of ${path} took too long` };
        void worker.terminate();
      },
      this.options.timeoutMs ?? 30 * 60 * 1000,
    );
    timer.unref();
    worker.on('message', (message: AnalysisReply) => {
      reply ??= message;
    });
    worker.on('error', (error) => {
      reply ??= { ok: false, code: 'INTERNAL', message: error.message };
    });
    worker.on('exit', () => {
      clearTimeout(timer);
      this.worker = undefined;
      this.finish(path, reply ?? { ok: false, code: 'INTERNAL', message: 'worker exited' }, started);
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
    const result = outcome.ok ? 'success' : outcome.code === 'VANISHED' ? 'vanished' : 'error';
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
    this.emit('done', outcome, reply.ok ? reply.analysis : undefined);
  }
}
