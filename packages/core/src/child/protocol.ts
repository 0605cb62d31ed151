import type { AnalyzeOptions } from '../analyze.js';
import type { CompareOptions } from '../compare.js';
import type { ErrorCode, ErrorDetails } from '../errors.js';
import type { Progress } from '../source/snapshot-file.js';

// What the parent (the CLI or the agent) and its analysis child say to each other over Node's IPC
// channel. Every value is plain data: an Analysis is plain JSON by design (analysis.ts).

/** analyze() and compare() options that can cross a process boundary (no callbacks, no checks list). */
export type ChildAnalyzeOptions = Omit<AnalyzeOptions, 'onProgress' | 'checks' | 'tempDir'>;
export type ChildCompareOptions = Omit<CompareOptions, 'onProgress' | 'tempDir'>;

/** The one job a child runs. */
export type AnalysisJob =
  | {
      kind: 'analyze';
      path: string;
      options: ChildAnalyzeOptions;
      /**
       * Without `options.compareWith`: count the writes since the complete snapshot raft kept just
       * before `path` in its directory (the agent, for its first snapshot or when the one it
       * analysed last is gone). The child reads that snapshot's revision counter first, then this
       * one, one database at a time, so the comparison does not double its peak memory.
       */
      compareWithPredecessor?: boolean;
    }
  | { kind: 'compare'; older: string; newer: string; options: ChildCompareOptions };

/** The first and only message the parent sends. */
export interface JobRequest {
  job: AnalysisJob;
  /** Where the child makes its private directories (the caller's temp dir, default the OS's). */
  tempDir: string | undefined;
  /** Their names' tag (tagPrivateDirs, io/temp-dir.ts): the parent removes them by it. */
  tag: string;
  /** The parent's pid: when the child's parent is another process, the parent is gone. */
  parentPid: number;
  /** Lower the child's priority (the agent's `nice`); 0 leaves it. */
  nice: number;
}

/** A failure as it crosses the boundary: a typed AnalyzerError, or an internal error with its stack. */
export type JobFailure =
  | {
      code: ErrorCode;
      message: string;
      details: ErrorDetails;
      /** The errno behind it (errnoOf): the cause itself does not cross, the caller's advice needs this. */
      errno: string | undefined;
    }
  | { code: undefined; message: string; stack: string | undefined };

/** What the child sends: any number of progress events, then one result or failure. */
export type ChildMessage =
  | { type: 'progress'; progress: Progress }
  | { type: 'result'; value: unknown }
  | { type: 'failure'; failure: JobFailure };
