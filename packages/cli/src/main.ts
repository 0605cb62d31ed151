#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { CommanderError, InvalidArgumentError } from 'commander';
import { buildProgram, type CliCommand } from './cli.js';
import type { Io } from './commands.js';
import { EXIT, EXIT_FOR_KIND } from './exit-codes.js';

// The core and the renderers load on first use: --help, --version and usage errors need neither.
const loadCommands = () => import('./commands.js');

// The single executable has no package.json beside it: its build defines DQA_BUILD, and its
// version carries the commit as SemVer build metadata, e.g. 0.1.0+3f2a9c1d0b7e (docs/binary.md).
declare const DQA_BUILD: { version: string; commit: string } | undefined;
const version =
  typeof DQA_BUILD === 'undefined'
    ? (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
        .version
    : `${DQA_BUILD.version}+${DQA_BUILD.commit}`;
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
  const { runAnalyze, runCompare } = await loadCommands();
  const generatedBy = `dqlite-analyze ${version}`;
  process.exitCode =
    command.command === 'compare'
      ? await runCompare(command, io, generatedBy)
      : await runAnalyze(command, io, generatedBy);
}

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
}

async function report(error: unknown): Promise<void> {
  // Loaded already when the analysis ran, which is where these errors come from; if loading them
  // is what failed, the error is reported as internal.
  const loaded = await Promise.all([import('@dqlite-analyzer/core'), import('./hints.js')]).catch(
    () => undefined,
  );
  const errno = (error as NodeJS.ErrnoException | undefined)?.code;
  if (loaded?.[0].isAnalyzerError(error)) {
    process.stderr.write(`${loaded[1].errorLine(error)}\n`);
    process.exitCode = EXIT_FOR_KIND[loaded[0].errorKind(error.code)];
  } else if (errno === 'EMFILE' || errno === 'ENFILE') {
    // Out of file descriptors anywhere, loading a module too: this machine's limit, not a bug. Said
    // without the core, which may be what could not be loaded.
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(
      `dqlite-analyze: DQA_OPEN_FILE_LIMIT: ${message}; raise the limit of open files (ulimit -n) and run again\n`,
    );
    process.exitCode = EXIT_FOR_KIND.environment;
  } else {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(
      debug && error instanceof Error
        ? `dqlite-analyze: internal error: ${message}\n${error.stack}\n`
        : `dqlite-analyze: internal error: ${message} (run with --debug for the stack trace, and please report it)\n`,
    );
    process.exitCode = EXIT.INTERNAL;
  }
}
