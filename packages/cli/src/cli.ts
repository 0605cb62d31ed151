import { existsSync } from 'node:fs';
import type { IntegrityMode } from '@dqlite-analyzer/core';
import { Command, InvalidArgumentError, Option } from 'commander';
import { EXIT } from './exit-codes.js';
import {
  FORMATS,
  type Format,
  resolveFormat,
  showProgress,
  type Terminal,
  textWidth,
  useColor,
} from './terminal.js';

export const FAIL_ON = ['warning', 'critical', 'none'] as const;
export type FailOn = (typeof FAIL_ON)[number];

/** How and where a report is written; every default already resolved. */
export interface OutputOptions {
  format: Format;
  output: string | undefined;
  /** Rows per table. */
  top: number;
  color: boolean;
  /** Columns of the text report: 80, or the terminal's with --wide. */
  width: number;
  progress: boolean;
  quiet: boolean;
  debug: boolean;
  tempDir: string | undefined;
}

/** `dqlite-analyze <path>` */
export interface AnalyzeCommand extends OutputOptions {
  command: 'analyze';
  path: string;
  vacuum: boolean;
  storageOnly: boolean;
  failOn: FailOn;
  integrity: IntegrityMode;
  keepCopies: string | undefined;
  /** Only the first screen (--summary). */
  summary: boolean;
  /** Long manifests in full in the text report. */
  fullRemediation: boolean;
}

/** `dqlite-analyze compare <older> <newer>` */
export interface CompareCommand extends OutputOptions {
  command: 'compare';
  older: string;
  newer: string;
  intervalSeconds: number | undefined;
}

export type CliCommand = AnalyzeCommand | CompareCommand;

/**
 * Where k8s-dqlite keeps its data: microk8s, then Canonical Kubernetes (docs/formats.md §4). The
 * core's MICROK8S_DATA_DIR and CANONICAL_KUBERNETES_DATA_DIR, written out: the CLI parses its
 * arguments before it loads the core (a test keeps the two equal).
 */
export const DEFAULT_DATA_DIRS = [
  '/var/snap/microk8s/current/var/kubernetes/backend',
  '/var/snap/k8s/common/var/lib/k8s-dqlite',
];

export const DEFAULT_TOP = 10;

const EXIT_CODE_HELP = `
Formats: text (80 columns; colour on a terminal), json (the Analysis object, for jq),
markdown (for a ticket), html (one self-contained file with charts). Without --format
the report is text, also when piped; with --output the file's extension (.json, .md,
.html) picks the format.

Exit codes:
  ${EXIT.OK}    analysed; no finding at or above --fail-on
  ${EXIT.USAGE}    usage error
  ${EXIT.WARNING}    warning findings (with --fail-on warning)
  ${EXIT.CRITICAL}    critical findings: not ready
  ${EXIT.DATA_ERROR}   damaged or unsupported input, or no kine database (the error code says which)
  ${EXIT.NO_INPUT}   input missing or unreadable
  ${EXIT.INTERNAL}   internal error (please report it; --debug shows the stack)
  ${EXIT.CANT_CREATE}   this machine: no space or memory, or the private working copy, the
        --output file or --keep-copies cannot be written
  ${EXIT.HANGUP}  stopped by SIGHUP (${EXIT.INTERRUPTED} SIGINT, ${EXIT.TERMINATED} SIGTERM); the private copy is removed

Environment: NO_COLOR turns colour off, FORCE_COLOR on.

Examples:
  dqlite-analyze /var/snap/microk8s/current/var/kubernetes/backend
  dqlite-analyze snapshot-1-2048-123456 --format json | jq .findings
  dqlite-analyze backend -o report.html --fail-on warning
  dqlite-analyze compare old/snapshot-1-2048-123456 new/snapshot-1-3072-723456
`;

const parsePositiveInteger = (value: string): number => {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
};

const parseSeconds = (value: string): number => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError('expected a number of seconds above 0');
  }
  return n;
};

/**
 * A usage error as one line that starts like every other error: commander writes
 * `error: unknown option '--sumary'\n(Did you mean --summary?)\n`.
 */
function writeUsageError(text: string, write: (text: string) => void): void {
  const message = text
    .replace(/^error: /, '')
    .replace(/\s*\n\s*/g, ' ')
    .trim();
  write(`dqlite-analyze: ${message} (run with --help for usage)\n`);
}

/** The options both commands share, added to one command. */
function addOutputOptions(command: Command): Command {
  return command
    .addOption(new Option('-f, --format <format>', 'report format (default: text)').choices(FORMATS))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('--top <n>', 'rows per table', parsePositiveInteger, DEFAULT_TOP)
    .option('--no-color', 'no colour (also NO_COLOR=1); colour is only ever used on a terminal')
    .option(
      '--wide',
      'text: lay out for the terminal’s width instead of 80 columns (160 when not a terminal)',
      false,
    )
    .option('--temp-dir <dir>', 'where the private copy goes (default: the OS temp dir)')
    .option('-q, --quiet', 'no progress on stderr', false)
    .option('--debug', 'stack traces for internal errors; step timings on stderr', false);
}

function outputOptions(options: Record<string, unknown>, terminal: Terminal): OutputOptions {
  const output = options.output as string | undefined;
  const format = resolveFormat(options.format as Format | undefined, output);
  const quiet = Boolean(options.quiet);
  return {
    format,
    output,
    top: options.top as number,
    color: useColor(format, output, options.color !== false, terminal),
    width: textWidth(Boolean(options.wide), output, terminal),
    progress: showProgress(quiet, terminal),
    quiet,
    debug: Boolean(options.debug),
    tempDir: options.tempDir as string | undefined,
  };
}

/** Build the command line parser; `run` gets the validated command. */
export function buildProgram(
  version: string,
  terminal: Terminal,
  run: (command: CliCommand) => Promise<void>,
): Command {
  const program = new Command('dqlite-analyze')
    .description(
      'Is this k8s-dqlite cluster ready to upgrade? Analyse a dqlite snapshot, a data directory or a kine ' +
        'SQLite file: storage, kine history, findings with remediation, and an upgrade plan. The input is ' +
        'only read; the work happens on a private copy that is removed afterwards.',
    )
    .version(version, '-V, --version')
    .usage(
      '<snapshot-file | data-dir | sqlite-file> [options]\n       dqlite-analyze compare <older> <newer> [options]',
    )
    .argument(
      '[path]',
      'snapshot file (snapshot-TERM-INDEX-TS), dqlite data directory, or SQLite file ' +
        '(default: the microk8s or Canonical Kubernetes data directory, whichever exists)',
    )
    // Options belong to the command they follow: `compare --format json` is compare's own option.
    .enablePositionalOptions()
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ outputError: writeUsageError });
  addOutputOptions(program)
    .option('--summary', 'only the first screen: verdict, one line per finding, the storage figures', false)
    .option(
      '--full-remediation',
      'text: print long manifests (a corrected ClusterRole) in full instead of a pointer to them',
      false,
    )
    .option('--vacuum', 'measure the exact size after VACUUM on the private copy (slower)', false)
    .addOption(
      new Option('--fail-on <severity>', 'lowest finding severity that makes the exit code non-zero')
        .choices(FAIL_ON)
        .default('critical'),
    )
    .option('--storage-only', 'report storage even when no database is kine (LXD, demo databases)', false)
    .addOption(
      new Option('--integrity <check>', "SQLite's check of each copy: quick_check, integrity_check, or none")
        .choices(['quick', 'full', 'none'])
        .default('quick'),
    )
    .option(
      '--keep-copies <dir>',
      "keep each database (WAL applied) in DIR as <name>.db, to check figures and findings' sqlite3 lines by hand",
    )
    .addHelpText('after', EXIT_CODE_HELP)
    .action(async (path: string | undefined, options: Record<string, unknown>) => {
      const input = path ?? DEFAULT_DATA_DIRS.find((dir) => existsSync(dir));
      if (!input) {
        throw new InvalidArgumentError(
          `no path given, and neither ${DEFAULT_DATA_DIRS.join(' nor ')} exists`,
        );
      }
      await run({
        command: 'analyze',
        path: input,
        vacuum: Boolean(options.vacuum),
        storageOnly: Boolean(options.storageOnly),
        failOn: options.failOn as FailOn,
        integrity: options.integrity as IntegrityMode,
        keepCopies: options.keepCopies as string | undefined,
        summary: Boolean(options.summary),
        fullRemediation: Boolean(options.fullRemediation),
        ...outputOptions(options, terminal),
      });
    });

  const compare = program
    .command('compare')
    .description(
      'What was written between two snapshots of one cluster: revisions per key and per resource, ' +
        'and per minute when the time between them is known. A crash-looping controller shows up here.',
    )
    .argument('<older>', 'the older snapshot file or data directory')
    .argument('<newer>', 'the newer one (of the same cluster)');
  addOutputOptions(compare)
    .option(
      '--interval-seconds <n>',
      'seconds between the two snapshots (default: from the file names of one node, else the files’ times)',
      parseSeconds,
    )
    .action(async (older: string, newer: string, options: Record<string, unknown>) => {
      await run({
        command: 'compare',
        older,
        newer,
        intervalSeconds: options.intervalSeconds as number | undefined,
        ...outputOptions(options, terminal),
      });
    });
  return program;
}

export { InvalidArgumentError };
