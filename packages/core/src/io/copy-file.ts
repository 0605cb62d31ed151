import { chmodSync, constants, copyFileSync, statSync } from 'node:fs';
import { AnalyzerError, isOpenFileLimit, openFileLimitError } from '../errors.js';
import { tempWriteError } from './file-writer.js';

/**
 * Copy one input file to a new private 0600 file; returns its size. Only regular files: copying
 * a FIFO would block the whole process (no signal handler could run), and a directory cannot be
 * copied at all.
 */
export function copyRegularFile(source: string, target: string): number {
  const info = statSync(source);
  if (!info.isFile()) {
    throw new AnalyzerError('DQA_INPUT_UNREADABLE', `${source} is not a regular file`, { path: source });
  }
  try {
    copyFileSync(source, target, constants.COPYFILE_EXCL);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'error';
    if (code === 'ENOSPC' || code === 'EDQUOT') throw tempWriteError(cause);
    if (isOpenFileLimit(cause)) throw openFileLimitError(`cannot copy ${source}`, cause);
    throw new AnalyzerError(
      'DQA_INPUT_UNREADABLE',
      `${source} cannot be copied (${code})`,
      { path: source },
      { cause },
    );
  }
  chmodSync(target, 0o600);
  return info.size;
}

/** Copy a private copy out to `target` for the user (never overwriting); errors are DQA_OUTPUT_FAILED. */
export function copyOut(source: string, target: string, what: string): void {
  try {
    copyFileSync(source, target, constants.COPYFILE_EXCL);
    chmodSync(target, 0o600);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'error';
    throw new AnalyzerError(
      'DQA_OUTPUT_FAILED',
      `cannot keep ${what} as ${target} (${code})`,
      { path: target },
      { cause },
    );
  }
}
