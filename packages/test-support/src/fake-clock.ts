// A process's wall clock moved on while it runs, with libfaketime (Debian package faketime): the
// library is preloaded into the process and reads its offset from a file on every call
// (FAKETIME_NO_CACHE), so writing the file moves the clock at once. Only the wall clock
// (CLOCK_REALTIME: Date.now()) moves; the monotonic clock behind Node's timers is left alone
// (FAKETIME_DONT_FAKE_MONOTONIC), as it is when time simply passes for an idle process.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The preloadable library, wherever the architecture's multiarch directory is; undefined when not installed. */
export const LIBFAKETIME = (() => {
  const lib = '/usr/lib';
  const dirs = existsSync(lib) ? readdirSync(lib) : [];
  return dirs.map((dir) => join(lib, dir, 'faketime', 'libfaketime.so.1')).find((path) => existsSync(path));
})();

export class FakeClock {
  /** @param file where the offset is kept (the caller's temp dir). */
  constructor(private readonly file: string) {
    if (!LIBFAKETIME) throw new Error('libfaketime is not installed (Debian package faketime)');
    this.set(0);
  }

  /** The environment that puts a child process on this clock. */
  env(): NodeJS.ProcessEnv {
    return {
      LD_PRELOAD: LIBFAKETIME,
      FAKETIME_TIMESTAMP_FILE: this.file,
      FAKETIME_NO_CACHE: '1',
      FAKETIME_DONT_FAKE_MONOTONIC: '1',
    };
  }

  /** The clock of every process on it now reads `seconds` past the real time. */
  set(seconds: number): void {
    writeFileSync(this.file, `+${Math.round(seconds)}s\n`);
  }
}
