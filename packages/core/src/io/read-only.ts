import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { AnalyzerError, isOpenFileLimit, openFileLimitError } from '../errors.js';

/**
 * Open `path` read-only, and only if it is a regular file. O_NONBLOCK makes opening a FIFO return
 * at once instead of waiting forever for a writer (it changes nothing for regular files); the
 * check runs on the opened descriptor, so a file swapped after a stat() cannot slip through.
 * Throws DQA_INPUT_NOT_FOUND / DQA_INPUT_UNREADABLE (DQA_OPEN_FILE_LIMIT: out of descriptors, not the file's fault).
 */
export async function openRegularFile(path: string): Promise<{ handle: FileHandle; size: number }> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'error';
    if (code === 'ENOENT') {
      throw new AnalyzerError('DQA_INPUT_NOT_FOUND', `${path} does not exist`, { path }, { cause });
    }
    if (isOpenFileLimit(cause)) throw openFileLimitError(`cannot open ${path}`, cause);
    throw new AnalyzerError(
      'DQA_INPUT_UNREADABLE',
      `${path} cannot be opened (${code})`,
      { path },
      { cause },
    );
  }
  const info = await handle.stat();
  if (!info.isFile()) {
    await handle.close();
    throw new AnalyzerError('DQA_INPUT_UNREADABLE', `${path} is not a regular file`, { path });
  }
  return { handle, size: info.size };
}
