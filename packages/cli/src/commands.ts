import { accessSync, constants, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type Analysis, analyze, type Comparison, compare } from '@dqlite-analyzer/core';
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

/** The report file cannot be written: exit 73 (sysexits EX_CANTCREAT), one line on stderr. */
export class OutputError extends Error {
  override name = 'OutputError';
}

/** Analyse, render, write; returns the exit code the findings call for. */
export async function runAnalyze(command: AnalyzeCommand, io: Io, generatedBy: string): Promise<number> {
  checkOutputWritable(command.output);
  const progress = createProgressLine(io.stderr, command.progress);
  let analysis: Analysis;
  try {
    analysis = await analyze(command.path, {
      vacuum: command.vacuum,
      tempDir: command.tempDir,
      requireKine: !command.storageOnly,
      integrity: command.integrity,
      keepCopiesIn: command.keepCopies,
      onProgress: progress.listener,
    });
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
  checkOutputWritable(command.output);
  const progress = createProgressLine(io.stderr, command.progress);
  let comparison: Comparison;
  try {
    comparison = await compare(command.older, command.newer, {
      tempDir: command.tempDir,
      intervalSeconds: command.intervalSeconds,
      onProgress: progress.listener,
    });
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

// Fail before a long analysis, not after it, when the report could not be saved anyway.
function checkOutputWritable(output: string | undefined): void {
  if (output === undefined) return;
  const dir = dirname(resolve(output));
  try {
    accessSync(dir, constants.W_OK);
  } catch (cause) {
    throw new OutputError(`cannot write the report to ${output}: ${dir} is not a writable directory`, {
      cause,
    });
  }
}

function emit(report: string, options: OutputOptions, io: Io): void {
  if (options.output === undefined) {
    io.stdout.write(report);
    return;
  }
  try {
    writeFileSync(options.output, report);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'error';
    throw new OutputError(`cannot write the report to ${options.output} (${code})`, { cause });
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
