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

/**
 * Start the command's analysis in a child process now, before the renderers load, so that its
 * start-up (Node, the core) and its work overlap loading them: this program started again with
 * the hidden subcommand. The entry is main.js beside this file; analysisChildCommand()
 * (core/src/child/self-invocation.ts) turns it into the command line, also inside a single
 * executable. Resolves with an Analysis for `analyze`, a Comparison for `compare`.
 */
export function startAnalysis(
  command: CliCommand,
  onProgress: ProgressListener,
): Promise<Analysis | Comparison> {
  const entry = () => fileURLToPath(new URL('./main.js', import.meta.url));
  current = new AnalysisChild({ command: analysisChildCommand(entry), tempDir: command.tempDir });
  return current.run(jobOf(command), onProgress);
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
