import type { Analysis, Comparison } from '@dqlite-analyzer/core';
import {
  AnalysisChildError,
  errorKind,
  isAnalyzerError,
  isOpenFileLimit,
  openFileLimitError,
  programVersion,
} from '@dqlite-analyzer/core/child';
import { CommanderError, InvalidArgumentError } from 'commander';
import { startAnalysis, stopAnalysis } from './analysis-child.js';
import { buildProgram, type CliCommand } from './cli.js';
import type { Io } from './commands.js';
import { EXIT, EXIT_FOR_KIND, EXIT_ON_SIGNAL } from './exit-codes.js';
import { createProgressLine } from './progress.js';

// The renderers load on first use: --help, --version and usage errors need none of them.
const loadCommands = () => import('./commands.js');

const version = programVersion(() => new URL('../package.json', import.meta.url));
const io: Io = { stdout: process.stdout, stderr: process.stderr };
const terminal = {
  stdoutIsTTY: process.stdout.isTTY === true,
  stderrIsTTY: process.stderr.isTTY === true,
  columns: process.stdout.columns,
  env: process.env,
};
// Known before parsing, so even a usage error in the middle of the arguments can show its stack.
let debug = process.argv.includes('--debug');

async function run(command: CliCommand): Promise<void> {
  debug = command.debug;
  const progress = createProgressLine(io.stderr, command.progress);
  // Started first: the child loads the core and analyses while this process loads the renderers.
  const answer = startAnalysis(command, progress.listener).finally(() => progress.clear());
  // Awaited below; until then a failure must not count as unhandled.
  answer.catch(() => {});
  try {
    const commands = await loadCommands();
    const generatedBy = `dqlite-analyze ${version}`;
    process.exitCode =
      command.command === 'compare'
        ? commands.reportComparison(command, (await answer) as Comparison, io, generatedBy)
        : commands.reportAnalysis(command, (await answer) as Analysis, io, generatedBy);
  } finally {
    // Ends the child when loading the renderers failed; a no-op once it has answered.
    await stopAnalysis();
  }
}

// SIGINT, SIGTERM and SIGHUP end the CLI in every state: the analysis runs in a child process
// (analysis-child.ts), so this process is never inside a SQLite call and its handler runs at
// once; it kills the child, waits for its private copy to be removed, and exits 128 + the number.
let stopping: NodeJS.Signals | undefined;
for (const signal of Object.keys(EXIT_ON_SIGNAL) as Array<keyof typeof EXIT_ON_SIGNAL>) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = signal;
    void stopAnalysis().finally(() => {
      const erase = process.stderr.isTTY ? '\r\u001b[K' : '';
      process.stderr.write(
        `${erase}dqlite-analyze: stopped by ${signal}; nothing was left in the temp dir\n`,
      );
      process.exit(EXIT_ON_SIGNAL[signal]);
    });
  });
}

// A reader that went away (`dqlite-analyze … | head`) is not an error: stop writing, end the child,
// and exit with the code the run has (the verdict's, or 0 after --help), as tools killed by SIGPIPE
// end silently. Any other write error on stdout is reported like every failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') return void report(error);
  void stopAnalysis().finally(() => process.exit(process.exitCode ?? EXIT.OK));
});

// The only place that exits: every failure becomes one stderr line and a documented code.
try {
  await buildProgram(version, terminal, run).parseAsync(process.argv);
} catch (error) {
  if (error instanceof InvalidArgumentError) {
    process.stderr.write(`dqlite-analyze: ${error.message} (run with --help for usage)\n`);
    process.exitCode = EXIT.USAGE;
  } else if (error instanceof CommanderError) {
    // commander has printed the message (one line, cli.ts); --help and --version end here too, with
    // exit code 0.
    process.exitCode = error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
  } else {
    await report(error);
  }
} finally {
  // The child main.ts started for an analysis that a usage error, --help or a failure before
  // run() means never comes; a no-op after run() (which stops it itself).
  await stopAnalysis();
}

async function report(error: unknown): Promise<void> {
  // Stopped by a signal: its handler reports and exits.
  if (stopping || (error instanceof AnalysisChildError && error.stopped)) return;
  if (isAnalyzerError(error)) {
    // The next step for the error, said by the CLI (hints.ts); if loading it fails, the line without.
    const hints = await import('./hints.js').catch(() => undefined);
    process.stderr.write(
      `${hints ? hints.errorLine(error) : `dqlite-analyze: ${error.code}: ${error.message}`}\n`,
    );
    process.exitCode = EXIT_FOR_KIND[errorKind(error.code)];
  } else if (isOpenFileLimit(error)) {
    // Out of file descriptors anywhere, loading a module too (here or in the analysis child): this
    // machine's limit, not a bug.
    const message = error instanceof Error ? error.message : String(error);
    await report(openFileLimitError(message.replace(/^(EMFILE|ENFILE): /, ''), error));
  } else {
    const message = error instanceof Error ? error.message : String(error);
    // An internal error in the child comes with the child's stack.
    const stack =
      error instanceof AnalysisChildError ? (error.childStack ?? error.stack) : (error as Error)?.stack;
    process.stderr.write(
      debug && error instanceof Error
        ? `dqlite-analyze: internal error: ${message}\n${stack}\n`
        : `dqlite-analyze: internal error: ${message} (run with --debug for the stack trace, and please report it)\n`,
    );
    process.exitCode = EXIT.INTERNAL;
  }
}
