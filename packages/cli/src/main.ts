#!/usr/bin/env node
import { readFileSync, writeFileSync } from 'node:fs';
import { analyze, isAnalyzerError } from '@dqlite-analyzer/core';
import { CommanderError, InvalidArgumentError } from 'commander';
import { type AnalyzeCommand, buildProgram } from './cli.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { renderJson } from './render/json.js';
import { renderText } from './render/text.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};
let debug = process.argv.includes('--debug');

async function run(command: AnalyzeCommand): Promise<void> {
  debug = command.debug;
  const analysis = await analyze(command.path, {
    vacuum: command.vacuum,
    tempDir: command.tempDir,
    requireKine: !command.storageOnly,
  });
  const report = command.format === 'json' ? renderJson(analysis) : renderText(analysis);
  if (command.output) writeFileSync(command.output, report);
  else process.stdout.write(report);
}

// The only place that exits: every failure becomes one stderr line and a documented code.
try {
  await buildProgram(version, run).parseAsync(process.argv);
  process.exitCode = EXIT.OK;
} catch (error) {
  if (error instanceof InvalidArgumentError) {
    process.stderr.write(`dqlite-analyze: ${error.message}\n(run with --help for usage)\n`);
    process.exitCode = EXIT.USAGE;
  } else if (error instanceof CommanderError) {
    // --help and --version end here too, with exit code 0.
    process.exitCode = error.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
  } else if (isAnalyzerError(error)) {
    process.stderr.write(`dqlite-analyze: ${error.code}: ${error.message}\n`);
    process.exitCode = exitCodeFor(error.code);
  } else {
    process.stderr.write(
      `dqlite-analyze: internal error: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.stderr.write(
      debug && error instanceof Error
        ? `${error.stack}\n`
        : 'Run with --debug for the stack trace, and please report it.\n',
    );
    process.exitCode = EXIT.INTERNAL;
  }
}
