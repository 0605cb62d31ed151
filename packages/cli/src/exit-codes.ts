import type { ErrorCode } from '@dqlite-analyzer/core';

/**
 * Exit codes, documented in `--help` and the README. The numbers for input and internal
 * failures follow sysexits.h so scripts can tell "fix the input" from "report a bug".
 */
export const EXIT = {
  /** Analysed; no finding at or above the --fail-on level. */
  OK: 0,
  /** Wrong arguments or options. */
  USAGE: 2,
  /** Findings at warning level, with --fail-on warning. */
  WARNING: 3,
  /** Findings at critical level (the verdict is "not ready"). */
  CRITICAL: 4,
  /** The input is damaged, is not a dqlite snapshot, or holds no kine database. */
  DATA_ERROR: 65,
  /** The input does not exist or cannot be read. */
  NO_INPUT: 66,
  /** A bug in the analyzer: please report it. */
  INTERNAL: 70,
  /** The private working copy could not be created (disk full, temp dir not writable). */
  CANT_CREATE: 73,
  /** Interrupted by SIGINT. */
  INTERRUPTED: 130,
} as const;

/** The exit code for an analyzer error code. */
export function exitCodeFor(code: ErrorCode): number {
  if (code === 'DQA_INPUT_NOT_FOUND' || code === 'DQA_INPUT_UNREADABLE') return EXIT.NO_INPUT;
  if (code === 'DQA_TEMP_NO_SPACE' || code === 'DQA_TEMP_FAILED') return EXIT.CANT_CREATE;
  return EXIT.DATA_ERROR;
}
