import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { AnalyzerError } from '../errors.js';
import type { ResolvedInput } from './resolve-input.js';

// Nothing is ever written where the input is (docs/security.md): a report over the snapshot replaces
// it, and a temp dir or kept copies inside the data directory fill the disk raft writes its next
// snapshot to (and leave files k8s-dqlite may trip over). Paths are compared after resolving
// symlinks, so `/var/snap/microk8s/current` and its target are the same place.

/** Files beside a database or snapshot that belong to it. */
const COMPANIONS = ['', '.meta', '-wal', '-shm', '-journal'];

/** Where the input lives: directories nothing may be written into, and files nothing may replace. */
interface InputArea {
  dirs: string[];
  files: string[];
}

function areaOf(input: ResolvedInput): InputArea {
  const data = real(input.dataFile);
  const files = COMPANIONS.map((suffix) => `${data}${suffix}`);
  // A snapshot given as a file is protected with its directory when that is raft's data directory;
  // a snapshot copied out by hand (to /tmp, say) or a plain SQLite file may live anywhere, so only
  // it and its companions are.
  const dirs = input.kind === 'data-dir' ? [real(input.path), dirname(data)] : [];
  if (input.kind === 'snapshot' && isRaftDir(dirname(data))) dirs.push(dirname(data));
  return { dirs, files };
}

// raft's own files (canonical/raft src/uv_metadata.c, dqlite's node info and configuration).
const RAFT_FILES = ['metadata1', 'metadata2', 'info.yaml', 'cluster.yaml'];
const isRaftDir = (dir: string) => RAFT_FILES.some((name) => existsSync(join(dir, name)));

/** The path with symlinks resolved, also when its last parts do not exist yet. */
function real(path: string): string {
  const absolute = resolve(path);
  try {
    return realpathSync(absolute);
  } catch {
    const parent = dirname(absolute);
    return parent === absolute ? absolute : join(real(parent), basename(absolute));
  }
}

const isInside = (path: string, dir: string) =>
  path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);

/**
 * Throw DQA_OUTPUT_INSIDE_INPUT when `target` (a directory or file the caller will write; `what`
 * names it in the message) is the input, one of its files, or inside the data directory read.
 */
export function ensureOutsideInput(input: ResolvedInput, target: string, what: string): void {
  const path = real(target);
  const area = areaOf(input);
  const dir = area.dirs.find((d) => isInside(path, d));
  if (dir === undefined && !area.files.includes(path)) return;
  throw new AnalyzerError(
    'DQA_OUTPUT_INSIDE_INPUT',
    dir === undefined
      ? `${what} ${target} would replace ${input.dataFile} or a file beside it: write it elsewhere`
      : `${what} ${target} is inside ${dir}, the data directory being read: write it elsewhere`,
    { path: target, input: input.path },
  );
}
