import { fileURLToPath } from 'node:url';
import type { Analysis, Comparison } from '@dqlite-analyzer/core';
import {
  AnalysisChild,
  type AnalysisJob,
  analysisChildCommand,
  type ProgressListener,
} from '@dqlite-analyzer/core/child';
import type { CliCommand, OutputOptions } from './cli.js';

// The analysis child of this run, for the signal handler in cli-main.ts. One per run: compare
// analyses both snapshots in the same child.
let current: AnalysisChild | undefined;

// Arguments after which the CLI analyses nothing (commander's help and version flags, `help`).
const NO_ANALYSIS = new Set(['-h', '--help', '-V', '--version', 'help']);

/**
 * Start the analysis child now, from main.ts, before the CLI's own modules load and parse the
 * arguments, unless they ask only for help or the version: a Node start-up and the core's modules
 * are the longest part of a small snapshot's run, and they overlap the CLI's (bench/RESULTS.md,
 * issue 17 fourth pass). It waits for its job; cli-main.ts stops it on a usage error. This
 * program started again with the hidden subcommand: the entry is main.js beside this file;
 * analysisChildCommand() (core/src/child/self-invocation.ts) turns it into the command line, also
 * inside a single executable.
 */
export function prestartAnalysis(argv: readonly string[] = process.argv): void {
  if (!argv.slice(2).some((arg) => NO_ANALYSIS.has(arg))) current ??= newChild();
}

function newChild(): AnalysisChild {
  const entry = () => fileURLToPath(new URL('./main.js', import.meta.url));
  return new AnalysisChild({ command: analysisChildCommand(entry) });
}

/**
 * Run the command's analysis in the child (started now unless main.ts has), before the renderers
 * load, so that its work overlaps loading them. Resolves with an Analysis for `analyze`, a
 * Comparison for `compare`.
 */
export function startAnalysis(
  command: CliCommand,
  onProgress: ProgressListener,
): Promise<Analysis | Comparison> {
  current ??= newChild();
  return current.run(jobOf(command), onProgress, command.tempDir);
}

/** Stop the child if one was started; resolves once its copies are removed. */
export async function stopAnalysis(): Promise<void> {
  await current?.stop();
}

function jobOf(command: CliCommand): AnalysisJob {
  if (command.command === 'compare') {
    return {
      kind: 'compare',
      older: command.older,
      newer: command.newer,
      options: { intervalSeconds: command.intervalSeconds, outputs: reportPath(command) },
    };
  }
  return {
    kind: 'analyze',
    path: command.path,
    options: {
      vacuum: command.vacuum,
      requireKine: !command.storageOnly,
      integrity: command.integrity,
      keepCopiesIn: command.keepCopies,
      outputs: reportPath(command),
    },
  };
}

// The report, for the core to refuse before a long analysis, not after it, when it could not or
// must not be saved: over the input or into its data directory (DQA_OUTPUT_INSIDE_INPUT, as it
// refuses --temp-dir and --keep-copies), into a FIFO or device or an unwritable directory.
function reportPath(options: OutputOptions): { path: string; what: string }[] {
  return options.output === undefined ? [] : [{ path: options.output, what: 'the report' }];
}
