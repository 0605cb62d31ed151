import { writeFileSync } from 'node:fs';
import type { Analysis, Comparison } from '@dqlite-analyzer/core';
import { AnalyzerError } from '@dqlite-analyzer/core/child';
import type { AnalyzeCommand, CompareCommand, OutputOptions } from './cli.js';
import { exitCodeForFindings } from './exit-codes.js';
import { RENDERERS } from './formats.js';
import { escapeControlCharacters } from './render/control-characters.js';
import { formatSeconds } from './report/format.js';
import type { ReportOptions } from './report/report-options.js';
import { buildSummary } from './report/summary.js';

/** The process streams, passed in so the commands never touch globals. */
export interface Io {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** Render and write the analysis; returns the exit code the findings call for. */
export function reportAnalysis(
  command: AnalyzeCommand,
  analysis: Analysis,
  io: Io,
  generatedBy: string,
): number {
  const safe = humanSafe(analysis, command);
  // Built once: the report's first screen, and the verdict said on stderr when the report goes to a file.
  const summary = buildSummary(safe);
  const options: ReportOptions = {
    ...reportOptions(command, generatedBy),
    summary: command.summary,
    fullRemediation: command.fullRemediation,
  };
  emit(RENDERERS[command.format].analysis(safe, options, summary), command, io);
  if (command.output && command.progress) {
    io.stderr.write(`dqlite-analyze: ${summary.verdict.label}; report written to ${command.output}\n`);
  }
  if (command.debug) writeTimings(io, analysis.timings);
  return exitCodeForFindings(analysis.findings, command.failOn);
}

/** Render and write the comparison; exit 0 when it ran. */
export function reportComparison(
  command: CompareCommand,
  comparison: Comparison,
  io: Io,
  generatedBy: string,
): number {
  emit(
    RENDERERS[command.format].comparison(humanSafe(comparison, command), reportOptions(command, generatedBy)),
    command,
    io,
  );
  return 0;
}

function reportOptions(options: OutputOptions, generatedBy: string): ReportOptions {
  return { generatedBy, top: options.top, color: options.color, width: options.width };
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
