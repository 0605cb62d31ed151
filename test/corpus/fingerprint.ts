// What "the input was not touched" means in the corpus tests: every entry under a path keeps its
// type, size, mode, mtime, ctime, symlink target and bytes, and no entry appears or disappears.
import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';

export type Fingerprint = Record<string, string>;

/** Fingerprint `path` and everything under it, never following symlinks or opening FIFOs. */
export async function fingerprint(path: string): Promise<Fingerprint> {
  const out: Fingerprint = {};
  const visit = async (at: string, rel: string) => {
    let info: Awaited<ReturnType<typeof lstat>>;
    try {
      info = await lstat(at);
    } catch {
      out[rel] = 'absent';
      return;
    }
    const common = `mode=${info.mode.toString(8)} mtime=${info.mtimeMs} ctime=${info.ctimeMs}`;
    if (info.isSymbolicLink()) {
      out[rel] = `symlink -> ${await readlink(at)} ${common}`;
    } else if (info.isFile()) {
      const sha = createHash('sha256')
        .update(await readFile(at))
        .digest('hex');
      out[rel] = `file size=${info.size} sha256=${sha} ${common}`;
    } else if (info.isDirectory()) {
      out[rel] = `dir ${common}`;
      for (const name of (await readdir(at)).sort()) await visit(join(at, name), `${rel}/${name}`);
    } else {
      out[rel] = `special ${common}`;
    }
  };
  await visit(path, '.');
  return out;
}
