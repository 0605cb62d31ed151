import { mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnalyzerError } from '../errors.js';

/**
 * A private working directory (mode 0700), removed when released. The core installs no signal or
 * exit handlers (a handler cannot run while SQLite holds the thread, and its presence would turn
 * off the signal's default action): its callers run the analysis in a child process and remove
 * the child's directory themselves, whatever ended it (child/spawn.ts).
 */
export interface PrivateDir {
  path: string;
  /** Remove the directory and everything in it; safe to call twice. */
  release(): void;
}

const live = new Set<string>();

/** Create a private directory under `parent` (default: the OS temp dir). */
export function createPrivateDir(parent = tmpdir()): PrivateDir {
  let path: string;
  try {
    // mkdtemp creates the directory with mode 0700.
    path = mkdtempSync(join(parent, 'dqlite-analyzer-'));
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'error';
    throw new AnalyzerError(
      'DQA_TEMP_FAILED',
      `cannot create a private directory in ${parent} (${code})`,
      { parent },
      { cause },
    );
  }
  live.add(path);
  return {
    path,
    release() {
      rmSync(path, { recursive: true, force: true });
      live.delete(path);
    },
  };
}

/** Throw DQA_TEMP_NO_SPACE unless `dir`'s filesystem has `bytes` free for unprivileged users. */
export function ensureFreeSpace(dir: string, bytes: number): void {
  const stats = statfsSync(dir);
  const free = stats.bavail * stats.bsize;
  if (free < bytes) {
    throw new AnalyzerError(
      'DQA_TEMP_NO_SPACE',
      `${dir} has ${free} bytes free, the private copy needs ${bytes}`,
      { dir, free, needed: bytes },
    );
  }
}

/** Paths of private directories not yet released (for tests). */
export function livePrivateDirs(): string[] {
  return [...live];
}
