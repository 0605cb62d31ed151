import { mkdtempSync, readdirSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnalyzerError } from '../errors.js';

/**
 * A private working directory (mode 0700), removed when released. The core installs no signal or
 * exit handlers (a handler cannot run while SQLite holds the thread, and its presence would turn
 * off the signal's default action): its callers run the analysis in a child process and remove
 * the child's directories themselves, whatever ended it (child/spawn.ts), found by their tag.
 */
export interface PrivateDir {
  path: string;
  /** Remove the directory and everything in it; safe to call twice. */
  release(): void;
}

const live = new Set<string>();
const PREFIX = 'dqlite-analyzer-';
let namePrefix = PREFIX;

/** The names of the private directories a process tagged `tag` makes: `dqlite-analyzer-<tag>-XXXXXX`. */
export function privateDirPrefix(tag: string): string {
  return `${PREFIX}${tag}-`;
}

/**
 * Name this process's private directories after `tag` (the analysis child's, given by its
 * parent), so that the parent finds and removes them once it has ended, however it ended.
 */
export function tagPrivateDirs(tag: string): void {
  namePrefix = privateDirPrefix(tag);
}

/** Remove every directory in `parent` whose name starts with `prefix`; a missing `parent` has none. */
export function removePrivateDirs(parent: string, prefix: string): void {
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return;
  }
  for (const name of names) {
    if (name.startsWith(prefix)) rmSync(join(parent, name), { recursive: true, force: true });
  }
}

/** Create a private directory under `parent` (default: the OS temp dir). */
export function createPrivateDir(parent = tmpdir()): PrivateDir {
  let path: string;
  try {
    // mkdtemp creates the directory with mode 0700.
    path = mkdtempSync(join(parent, namePrefix));
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
