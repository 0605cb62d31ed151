import { writeFileSync } from 'node:fs';
import type { Analysis, Comparison } from '@dqlite-analyzer/core';
import { AnalyzerError } from '@dqlite-analyzer/core/child';
import { runInAnalysisChild } from './analysis-child.js';
import type { AnalyzeCommand, CompareCommand, OutputOptions } from './cli.js';
import { exitCodeForFindings } from './exit-codes.js';
import { RENDERERS } from './formats.js';
import { createProgressLine } from './progress.js';
import { escapeControlCharacters } from './render/control-characters.js';
import { formatSeconds } from './report/format.js';
import type { ReportOptions } from './report/report-options.js';
import { buildSummary } from './report/summary.js';

/** The process streams, passed in so the commands never touch globals. */
export interface Io {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** Analyse, render, write; returns the exit code the findings call for. */
export async function runAnalyze(command: AnalyzeCommand, io: Io, generatedBy: string): Promise<number> {
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
          outputs: reportPath(command),
        },
      },
      progress.listener,
    );
  } finally {
    progress.clear();
  }
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

/** Compare two snapshots, render, write; exit 0 when it ran. */
export async function runCompare(command: CompareCommand, io: Io, generatedBy: string): Promise<number> {
  const progress = createProgressLine(io.stderr, command.progress);
  let comparison: Comparison;
  try {
    comparison = await runInAnalysisChild<Comparison>(
      {
        kind: 'compare',
        older: command.older,
        newer: command.newer,
        options: {
          intervalSeconds: command.intervalSeconds,
          outputs: reportPath(command),
        },
      },
      progress.listener,
    );
  } finally {
    progress.clear();
  }
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

// The report, for the core to refuse before a long analysis, not after it, when it could not or
// must not be saved: over the input or into its data directory (DQA_OUTPUT_INSIDE_INPUT, as it
// refuses --temp-dir and --keep-copies), into a FIFO or device or an unwritable directory.
function reportPath(options: OutputOptions): { path: string; what: string }[] {
  return options.output === undefined ? [] : [{ path: options.output, what: 'the report' }];
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
