import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { AnalyzeOptions } from './analyze-options.js';
import { AnalyzerError } from './errors.js';
import { ensureOutsideInput } from './source/outside-input.js';
import type { ResolvedInput } from './source/resolve-input.js';

/**
 * Refuse, before anything is read, every path the analysis or its caller will write that is where
 * the input is (docs/security.md): the temp dir, the kept copies' dir, the caller's `outputs`; and
 * an output that could not be written anyway, before a long analysis rather than after it.
 * Then make the kept copies' dir when it is missing (0700: the copies hold the cluster's data,
 * Secrets included), like `mkdir -p`: checked first, so never made inside the data directory.
 */
export function prepareOutputPaths(
  inputs: readonly ResolvedInput[],
  options: Pick<AnalyzeOptions, 'tempDir' | 'keepCopiesIn' | 'outputs'>,
): void {
  for (const input of inputs) {
    if (options.tempDir !== undefined) ensureOutsideInput(input, options.tempDir, 'the temp dir');
    if (options.keepCopiesIn !== undefined)
      ensureOutsideInput(input, options.keepCopiesIn, 'the kept copies dir');
    for (const output of options.outputs ?? []) ensureOutsideInput(input, output.path, output.what);
  }
  for (const output of options.outputs ?? []) ensureWritableFile(output.path, output.what);
  if (options.keepCopiesIn !== undefined) makeKeepDir(options.keepCopiesIn);
}

function ensureWritableFile(path: string, what: string): void {
  if (statSync(path, { throwIfNoEntry: false })?.isFile() === false) {
    throw new AnalyzerError(
      'DQA_OUTPUT_FAILED',
      `cannot write ${what} to ${path}: it exists and is not a regular file`,
      { path },
    );
  }
  const dir = dirname(resolve(path));
  try {
    accessSync(dir, constants.W_OK);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'error';
    throw new AnalyzerError(
      'DQA_OUTPUT_FAILED',
      `cannot write ${what} to ${path}: ${dir} is not a writable directory (${code})`,
      { path },
      { cause },
    );
  }
}

function makeKeepDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'error';
    throw new AnalyzerError(
      'DQA_OUTPUT_FAILED',
      `cannot create the kept copies dir ${dir} (${code})`,
      { path: dir },
      { cause },
    );
  }
}
