// The smallest root filesystem the single executable runs in: the file, the shared libraries
// ldd names for it, and no Node. The no-Node test runs the binary in it with chroot, and the
// agent image (scripts/binary/image.ts) is this tree plus journalctl (docs/binary.md).
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Where the image and the chroot have the binary; the Dockerfile makes the same layout. */
export const BINARY_PATH = '/usr/local/bin/dqlite-analyze';
/** A second name for the same file: started by it, the file is the agent. */
export const AGENT_PATH = '/usr/local/bin/dqlite-agent';
/** The default user of the image (the Dockerfile's USER): no name, no home, no shell. */
export const NONROOT = 65532;

/** Copy `files` into `root` at the same absolute paths, with every shared library ldd names for them. */
export function copyWithLibraries(root: string, files: readonly string[]): void {
  copyAtSamePath(root, [...files, ...files.flatMap(sharedLibraries)]);
}

function copyAtSamePath(root: string, paths: readonly string[]): void {
  for (const path of new Set(paths)) {
    mkdirSync(join(root, dirname(path)), { recursive: true });
    // The file a link points to, under the name the dynamic linker looks for.
    copyFileSync(path, join(root, path));
  }
}

/** The absolute paths ldd prints for `file`: `libc.so.6 => /lib/…/libc.so.6 (0x…)` and the loader. */
export function sharedLibraries(file: string): string[] {
  const out = execFileSync('ldd', [file], { encoding: 'utf8' });
  const paths: string[] = [];
  for (const line of out.split('\n')) {
    const match = /(?:=>\s*)?(\/\S+)\s+\(0x[0-9a-f]+\)/.exec(line);
    if (match) paths.push(match[1]!);
  }
  return paths;
}

export interface RootfsOptions {
  /** The built dqlite-analyze-linux-x64. */
  binary: string;
  /** Also journalctl and its libraries, for the agent's journal source (the image needs it). */
  journalctl?: string;
}

/** Lay out the binary at BINARY_PATH, the agent link, /tmp, and the users the image knows. */
export function makeRootfs(root: string, options: RootfsOptions): void {
  // What Node needs; the SQLite addon inside the binary needs a subset of it (libstdc++, libm, libc).
  copyAtSamePath(root, sharedLibraries(options.binary));
  if (options.journalctl) copyWithLibraries(root, [options.journalctl]);
  mkdirSync(join(root, dirname(BINARY_PATH)), { recursive: true });
  copyFileSync(options.binary, join(root, BINARY_PATH));
  chmodSync(join(root, BINARY_PATH), 0o755);
  symlinkSync('dqlite-analyze', join(root, AGENT_PATH));
  mkdirSync(join(root, 'tmp'), { recursive: true });
  chmodSync(join(root, 'tmp'), 0o1777);
  mkdirSync(join(root, 'etc'), { recursive: true });
  writeFileSync(
    join(root, 'etc/passwd'),
    `root:x:0:0:root:/root:/nonexistent\nnonroot:x:${NONROOT}:${NONROOT}::/nonexistent:/nonexistent\n`,
  );
  writeFileSync(join(root, 'etc/group'), `root:x:0:\nnonroot:x:${NONROOT}:\n`);
}
