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

// A copy whose size is not known before it is written (an LZ4 frame without a content size) stops
// while this much of the temp filesystem is still free: 1/32 of its size, at most 64 MiB, so the
// rest of the node (kubelet, journald, containerd) still finds room there (docs/security.md).
const KEEP_FREE_SHARE = 32;
const KEEP_FREE_MAX_BYTES = 64 << 20;

/** What a copy of unknown size may take of `dir`'s filesystem: its free space less what is kept free. */
export interface SpaceBudget {
  dir: string;
  /** Bytes free for unprivileged users when the copy started. */
  free: number;
  /** Bytes the copy leaves free. */
  keptFree: number;
  /** free - keptFree (never below 0): what the copy's files may take, in whole blocks. */
  bytes: number;
  /** The filesystem's block size: each file takes whole blocks. */
  blockBytes: number;
}

export function spaceBudget(dir: string): SpaceBudget {
  const stats = statfsSync(dir);
  const free = stats.bavail * stats.bsize;
  const keptFree = Math.min(KEEP_FREE_MAX_BYTES, Math.floor((stats.blocks * stats.bsize) / KEEP_FREE_SHARE));
  return { dir, free, keptFree, bytes: Math.max(0, free - keptFree), blockBytes: stats.bsize };
}

/** Paths of private directories not yet released (for tests). */
export function livePrivateDirs(): string[] {
  return [...live];
}
