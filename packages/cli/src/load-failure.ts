import { isOpenFileLimit, openFileLimitError } from '@dqlite-analyzer/core/child';
import { EXIT } from './exit-codes.js';
import { errorLine } from './hints.js';

/**
 * The CLI's own modules did not load (main.ts; cli-main.ts reports every failure after that): one
 * line and a documented code, no stack trace. Under a low `ulimit -n` opening a module is what
 * fails first.
 */
export function reportLoadFailure(error: unknown): void {
  if (isOpenFileLimit(error)) {
    process.stderr.write(`${errorLine(openFileLimitError('cannot load the program', error))}\n`);
    process.exitCode = EXIT.CANT_CREATE;
  } else {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(
      `dqlite-analyze: internal error: cannot load the program: ${message} (please report it)\n`,
    );
    process.exitCode = EXIT.INTERNAL;
  }
}
