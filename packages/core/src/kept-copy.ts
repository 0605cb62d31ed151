import { join, resolve } from 'node:path';
import type { ExtractedDatabase } from './fsm/extract.js';
import { copyOut } from './io/copy-file.js';
import { keptCopyFileName } from './io/kept-copy-name.js';

/**
 * Hand a database's copy over to `dir` (--keep-copies). The copy is closed, so SQLite has merged
 * its WAL into the main file: one file to hand over. Never overwrites. The path is absolute: the
 * verify lines name it, to be pasted in any directory.
 */
export function keepCopy(database: ExtractedDatabase, dir: string, suffix = ''): string {
  const target = join(resolve(dir), keptCopyFileName(database.name, database.index, suffix));
  copyOut(database.mainPath, target, `the copy of "${database.name}"`);
  return target;
}
