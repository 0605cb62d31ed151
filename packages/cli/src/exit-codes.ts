import type { ErrorKind, Severity } from '@dqlite-analyzer/core';

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
  /** This machine failed: no space or memory, or the private working copy or --output file cannot be written. */
  CANT_CREATE: 73,
  /** Stopped by SIGHUP (128 + 1, as a shell reports a process the signal ended). */
  HANGUP: 129,
  /** Interrupted by SIGINT (128 + 2). */
  INTERRUPTED: 130,
  /** Stopped by SIGTERM (128 + 15). */
  TERMINATED: 143,
} as const;

/** The exit code after each signal the CLI stops on (the private copy removed first). */
export const EXIT_ON_SIGNAL = {
  SIGINT: EXIT.INTERRUPTED,
  SIGTERM: EXIT.TERMINATED,
  SIGHUP: EXIT.HANGUP,
} as const;

/** The exit code for an analyzer error, from its code's kind (ERROR_CODES in the core). */
export const EXIT_FOR_KIND: Record<ErrorKind, number> = {
  input: EXIT.DATA_ERROR,
  access: EXIT.NO_INPUT,
  environment: EXIT.CANT_CREATE,
  usage: EXIT.USAGE,
  internal: EXIT.INTERNAL,
};

/**
 * The exit code for an analysis that ran: CRITICAL when a critical finding was raised, WARNING when
 * a warning was and --fail-on is warning, OK otherwise (and always with --fail-on none).
 */
export function exitCodeForFindings(
  findings: readonly { severity: Severity }[],
  failOn: 'warning' | 'critical' | 'none',
): number {
  if (failOn === 'none') return EXIT.OK;
  if (findings.some((f) => f.severity === 'critical')) return EXIT.CRITICAL;
  if (failOn === 'warning' && findings.some((f) => f.severity === 'warning')) return EXIT.WARNING;
  return EXIT.OK;
}
