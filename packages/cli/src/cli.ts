import { existsSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { EXIT } from './exit-codes.js';

export type Format = 'text' | 'json';

/** Options of `dqlite-analyze <path>`, parsed and validated. */
export interface AnalyzeCommand {
  path: string;
  format: Format;
  output: string | undefined;
  vacuum: boolean;
  storageOnly: boolean;
  tempDir: string | undefined;
  quiet: boolean;
  debug: boolean;
}

/** Where k8s-dqlite keeps its data: microk8s, then Canonical Kubernetes (formats.md §4). */
export const DEFAULT_DATA_DIRS = [
  '/var/snap/microk8s/current/var/kubernetes/backend',
  '/var/snap/k8s/common/var/lib/k8s-dqlite',
];

const EXIT_CODE_HELP = `
Exit codes:
  ${EXIT.OK}    analysed; no finding at or above --fail-on
  ${EXIT.USAGE}    usage error
  ${EXIT.WARNING}    warning findings (with --fail-on warning)
  ${EXIT.CRITICAL}    critical findings: not ready
  ${EXIT.DATA_ERROR}   damaged or unsupported input, or no kine database (the error code says which)
  ${EXIT.NO_INPUT}   input missing or unreadable
  ${EXIT.INTERNAL}   internal error (please report it; --debug shows the stack)
  ${EXIT.CANT_CREATE}   cannot create the private working copy (disk full?)
  ${EXIT.INTERRUPTED}  interrupted

Examples:
  dqlite-analyze /var/snap/microk8s/current/var/kubernetes/backend
  dqlite-analyze snapshot-1-2048-123456 --format json | jq .kine
`;

/** Build the command line parser; `onAnalyze` runs with the validated options. */
export function buildProgram(
  version: string,
  onAnalyze: (command: AnalyzeCommand) => Promise<void>,
): Command {
  const program = new Command('dqlite-analyze')
    .description(
      'Analyse a dqlite snapshot, a k8s-dqlite data directory or a kine SQLite file: storage, kine history, findings.\n' +
        'The input is only read; the work happens on a private copy that is removed afterwards.',
    )
    .version(version)
    .argument(
      '[path]',
      'snapshot file (snapshot-TERM-INDEX-TS), dqlite data directory, or SQLite file ' +
        '(default: the microk8s or Canonical Kubernetes data directory, whichever exists)',
    )
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('--vacuum', 'measure the exact size after VACUUM on the private copy (slower)', false)
    .option('--storage-only', 'report storage figures even when no database is kine', false)
    .option('--temp-dir <dir>', 'where the private copy goes (default: the OS temp dir)')
    .option('-q, --quiet', 'no progress on stderr', false)
    .option('--debug', 'print stack traces for internal errors', false)
    .addHelpText('after', EXIT_CODE_HELP)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .action(async (path: string | undefined, options: Record<string, unknown>) => {
      const input = path ?? DEFAULT_DATA_DIRS.find((dir) => existsSync(dir));
      if (!input) {
        throw new InvalidArgumentError(
          `no path given, and neither ${DEFAULT_DATA_DIRS.join(' nor ')} exists`,
        );
      }
      await onAnalyze({
        path: input,
        format: options.format as Format,
        output: options.output as string | undefined,
        vacuum: Boolean(options.vacuum),
        storageOnly: Boolean(options.storageOnly),
        tempDir: options.tempDir as string | undefined,
        quiet: Boolean(options.quiet),
        debug: Boolean(options.debug),
      });
    });
  return program;
}

export { InvalidArgumentError };
