import { accessSync, constants, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Analysis, Comparison } from '@dqlite-analyzer/core';
import { AnalyzerError, ensureOutsideOf } from '@dqlite-analyzer/core/child';
import { runInAnalysisChild } from './analysis-child.js';
import type { AnalyzeCommand, CompareCommand, OutputOptions } from './cli.js';
import { exitCodeForFindings } from './exit-codes.js';
import { RENDERERS, type RenderContext } from './formats.js';
import { createProgressLine } from './progress.js';
import { escapeControlCharacters } from './render/control-characters.js';
import { formatSeconds } from './report/format.js';
import { buildSummary } from './report/summary.js';

/** The process streams, passed in so the commands never touch globals. */
export interface Io {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** Analyse, render, write; returns the exit code the findings call for. */
export async function runAnalyze(command: AnalyzeCommand, io: Io, generatedBy: string): Promise<number> {
  await checkOutput(command.output, [command.path]);
  if (command.keepCopies !== undefined) {
    // Refused before it is made: never a directory created inside the data directory being read.
    await ensureOutsideOf(command.path, command.keepCopies, '--keep-copies');
    createKeepCopies(command.keepCopies);
  }
  const progress = createProgressLine(io.stderr, command.progress);
  let analysis: Analysis;
  try {
    analysis = await runInAnalysisChild<Analysis>(
      {
        kind: 'analyze',
        path: command.path,
        options: {
          vacuum: command.vacuum,
          requireKine: !command.storageOnly,
          integrity: command.integrity,
          keepCopiesIn: command.keepCopies,
        },
      },
      progress.listener,
    );
  } finally {
    progress.clear();
  }
  const report = RENDERERS[command.format].analysis(humanSafe(analysis, command), {
    ...context(command, generatedBy),
    summary: command.summary,
    fullRemediation: command.fullRemediation,
  });
  emit(report, command, io);
  if (command.output && command.progress) {
    const { verdict } = buildSummary(analysis);
    io.stderr.write(`dqlite-analyze: ${verdict.label}; report written to ${command.output}\n`);
  }
  if (command.debug) writeTimings(io, analysis.timings);
  return exitCodeForFindings(analysis.findings, command.failOn);
}

/** Compare two snapshots, render, write; exit 0 when it ran. */
export async function runCompare(command: CompareCommand, io: Io, generatedBy: string): Promise<number> {
  await checkOutput(command.output, [command.older, command.newer]);
  const progress = createProgressLine(io.stderr, command.progress);
  let comparison: Comparison;
  try {
    comparison = await runInAnalysisChild<Comparison>(
      {
        kind: 'compare',
        older: command.older,
        newer: command.newer,
        options: { intervalSeconds: command.intervalSeconds },
      },
      progress.listener,
    );
  } finally {
    progress.clear();
  }
  emit(
    RENDERERS[command.format].comparison(humanSafe(comparison, command), context(command, generatedBy)),
    command,
    io,
  );
  return 0;
}

function context(options: OutputOptions, generatedBy: string): RenderContext {
  return { generatedBy, top: options.top, color: options.color, width: options.width };
}

// Fail before a long analysis, not after it, when the report could not be saved anyway — or must
// not be: over the input or into its data directory (DQA_OUTPUT_INSIDE_INPUT, from the core, which
// checks --temp-dir and --keep-copies the same way), or into a FIFO or device, where the write would
// block or go somewhere else than a file.
async function checkOutput(output: string | undefined, inputs: readonly string[]): Promise<void> {
  if (output === undefined) return;
  const existing = statSync(output, { throwIfNoEntry: false });
  if (existing && !existing.isFile()) {
    throw new AnalyzerError(
      'DQA_OUTPUT_FAILED',
      `cannot write the report to ${output}: it exists and is not a regular file`,
      { path: output },
    );
  }
  for (const input of inputs) await ensureOutsideOf(input, output, 'the report');
  const dir = dirname(resolve(output));
  try {
    accessSync(dir, constants.W_OK);
  } catch (cause) {
    throw outputError(
      `cannot write the report to ${output}: ${dir} is not a writable directory`,
      output,
      cause,
    );
  }
}

// --keep-copies DIR is where the user wants the copies: made when missing (0700: they hold the
// cluster's data, Secrets included), like `mkdir -p`.
function createKeepCopies(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (cause) {
    throw outputError(`cannot create --keep-copies ${dir}`, dir, cause);
  }
}

function outputError(message: string, path: string, cause: unknown): AnalyzerError {
  const code = (cause as NodeJS.ErrnoException).code ?? 'error';
  return new AnalyzerError('DQA_OUTPUT_FAILED', `${message} (${code})`, { path }, { cause });
}

function emit(report: string, options: OutputOptions, io: Io): void {
  if (options.output === undefined) {
    io.stdout.write(report);
    return;
  }
  try {
    writeFileSync(options.output, report);
  } catch (cause) {
    throw outputError(`cannot write the report to ${options.output}`, options.output, cause);
  }
}

function writeTimings(io: Io, timings: Analysis['timings']): void {
  const steps = Object.entries(timings).map(([step, seconds]) => `${step} ${formatSeconds(seconds ?? 0)}`);
  io.stderr.write(`dqlite-analyze: timings: ${steps.join(', ')}\n`);
}

// JSON keeps the exact values (\u-escaped, C1 controls too: render/json.ts); every other format is
// read by people, on terminals, so control characters from the snapshot are escaped first.
function humanSafe<T>(value: T, command: { format: string }): T {
  return command.format === 'json' ? value : escapeControlCharacters(value);
}
