import type { Check } from './checks/check.js';
import type { ProgressListener } from './source/snapshot-file.js';
import type { IntegrityMode } from './sqlite/integrity.js';

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
   * Keep each database's copy (WAL applied) in this directory as `<name>.db`, so the figures and
   * the findings' `verify: sqlite3` lines (which then name it) can be checked by hand. Made (0700)
   * when missing; never overwrites.
   */
  keepCopiesIn?: string;
  /**
   * Files the caller will write (a report), refused before anything is read: DQA_OUTPUT_INSIDE_INPUT
   * when one is the input, a file beside it or inside its data directory (as `tempDir` and
   * `keepCopiesIn` are), DQA_OUTPUT_FAILED when it exists and is not a regular file (a FIFO would
   * block the write) or its directory is not writable. `what` names each in the message.
   */
  outputs?: readonly { path: string; what: string }[];
  /**
   * Walk the pages (dbstat, the integrity check) on a second thread while the kine scan runs on
   * this one. Default: when the input holds more than SIDE_THREAD_MIN_BYTES (analyze.ts). The agent
   * turns it off to stay on one core of a busy node.
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
