import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { AnalyzerError, isOpenFileLimit, openFileLimitError } from '../errors.js';
import { privateDirPrefix, removePrivateDirs } from '../io/temp-dir.js';
import type { ProgressListener } from '../source/snapshot-file.js';
import type { AnalysisJob, ChildMessage, JobFailure, JobRequest } from './protocol.js';
import type { ChildCommand } from './self-invocation.js';

/** How to start an analysis child. */
export interface ChildOptions {
  /** The program to start (analysisChildCommand() of the caller's entry script). */
  command: ChildCommand;
  /** Where the child's private directories go (default: the OS temp dir; run() may name it later). */
  tempDir?: string | undefined;
  /** Nice value for the child (the agent's); default 0. */
  nice?: number | undefined;
}

/** The child ended without an answer: stopped by stop(), or it died (killed, out of memory, a crash). */
export class AnalysisChildError extends Error {
  override name = 'AnalysisChildError';
  constructor(
    message: string,
    /** True when stop() ended it: the caller asked for this and has nothing to report. */
    readonly stopped: boolean,
    /** The internal error's stack from the child, when it threw one. */
    readonly childStack?: string,
  ) {
    super(message);
  }
}

/**
 * A child process for one analysis job, which can be stopped in any state. The child makes its
 * private directories as analyze() does, after the same checks (never inside the input's data
 * directory), named with a random tag of this parent's; the parent removes every directory with
 * that tag once the child has exited, however it ended, so this process itself writes nothing.
 * Started before the job is known, its start-up (Node and the core's modules) overlaps the
 * caller's own.
 */
export class AnalysisChild {
  private readonly tag = randomBytes(6).toString('hex');
  private readonly child: ChildProcess;
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private answer: ChildMessage | undefined;
  private onProgress: ProgressListener | undefined;
  private spawnError: Error | undefined;
  private tempDir: string | undefined;
  private stopped = false;
  private started = false;

  constructor(private readonly options: ChildOptions) {
    this.tempDir = options.tempDir;
    // The structured-clone serializer carries the Analysis without a JSON text in between.
    // Pipes, not 'ignore': that opens /dev/null, which a chroot may not have (test/binary). The
    // child reads nothing and prints nothing; whatever a dependency might print is dropped, never
    // mixed into the caller's report on stdout. stderr is shared, for a crash's last words.
    this.child = spawn(options.command.command, [...options.command.args], {
      stdio: ['pipe', 'pipe', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    this.child.stdin?.end();
    this.child.stdout?.resume();
    this.child.on('message', (message: ChildMessage) => {
      if (message.type === 'progress') this.onProgress?.(message.progress);
      else this.answer ??= message;
    });
    this.exited = new Promise((resolve) => {
      const ended = (code: number | null, signal: NodeJS.Signals | null) => {
        removePrivateDirs(this.tempDir ?? tmpdir(), privateDirPrefix(this.tag));
        resolve({ code, signal });
      };
      this.child.once('close', ended);
      this.child.on('error', (error) => {
        this.spawnError ??= error;
        // Never started (ENOENT, EACCES): no 'close' follows.
        if (this.child.pid === undefined) ended(null, null);
      });
    });
  }

  /**
   * Send the job (once) and resolve with the child's answer; rejects with its AnalyzerError, or an
   * AnalysisChildError when it ended without one. Progress events reach `onProgress` as they come.
   * `tempDir` replaces the constructor's: a child started before the caller has parsed its
   * arguments (the CLI's main.ts) learns it with the job.
   */
  run<T>(job: AnalysisJob, onProgress?: ProgressListener, tempDir = this.options.tempDir): Promise<T> {
    if (this.started) return Promise.reject(new Error('an analysis child runs one job'));
    this.started = true;
    this.onProgress = onProgress;
    this.tempDir = tempDir;
    const request: JobRequest = {
      job,
      tempDir,
      tag: this.tag,
      parentPid: process.pid,
      nice: this.options.nice ?? 0,
    };
    // A child that died before reading it is reported once it has closed, below.
    if (this.child.connected) this.child.send(request, () => {});
    return this.exited.then(({ code, signal }) => {
      if (this.answer?.type === 'result') return this.answer.value as T;
      if (this.answer?.type === 'failure') throw fromFailure(this.answer.failure);
      if (this.stopped) throw new AnalysisChildError('the analysis was stopped', true);
      if (isOpenFileLimit(this.spawnError))
        throw openFileLimitError('cannot start the analysis process', this.spawnError);
      const how = this.spawnError
        ? this.spawnError.message
        : signal
          ? `was killed by ${signal}`
          : `exited with code ${code}`;
      throw new AnalysisChildError(`the analysis process ${how} before it answered`, false);
    });
  }

  /**
   * Kill the child and resolve once it has exited and its private directory is gone. SIGKILL: the
   * child may be inside one SQLite call, where no handler of any signal could run before it
   * returns. Safe to call twice, before run(), and after the child has ended.
   */
  async stop(): Promise<void> {
    this.stopped = this.answer === undefined;
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }
}

function fromFailure(failure: JobFailure): Error {
  if (failure.code !== undefined) {
    const cause = failure.errno
      ? Object.assign(new Error(failure.errno), { code: failure.errno })
      : undefined;
    return new AnalyzerError(failure.code, failure.message, failure.details, cause ? { cause } : undefined);
  }
  return new AnalysisChildError(failure.message, false, failure.stack);
}
