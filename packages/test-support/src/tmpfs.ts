// A real tmpfs for tests that need a full or tiny filesystem (mount(8), tmpfs(5): size= and
// nr_inodes= bound its bytes and files). Needs root; `mountRefused` says why it cannot be used here.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Mount a tmpfs on `dir`; the reason when that failed. */
export function mountTmpfs(dir: string, options: string): string | undefined {
  const result = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { encoding: 'utf8' });
  if (result.error) return result.error.message;
  return result.status === 0 ? undefined : result.stderr.trim() || `mount exited with ${result.status}`;
}

/** Change the size (or nr_inodes) of the tmpfs on `dir` in place. */
export function remountTmpfs(dir: string, options: string): void {
  const problem = mountTmpfs(dir, `remount,${options}`);
  if (problem) throw new Error(`remounting ${dir} with ${options}: ${problem}`);
}

export function unmount(dir: string): void {
  spawnSync('umount', [dir]);
  if (spawnSync('mountpoint', ['-q', dir]).status === 0) spawnSync('umount', ['-l', dir]);
}

/** Bytes in use on the filesystem holding `dir`. */
export function usedBytes(dir: string): number {
  const stats = statfsSync(dir);
  return (stats.blocks - stats.bfree) * stats.bsize;
}

// A real attempt, not a uid check: containers can run as root without the right to mount.
function probe(): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'dqa-mount-probe-'));
  const refused = mountTmpfs(dir, 'size=1m');
  if (!refused) unmount(dir);
  rmSync(dir, { recursive: true, force: true });
  return refused;
}

/** Why a tmpfs cannot be mounted here (undefined: it can). */
export const mountRefused: string | undefined = probe();
