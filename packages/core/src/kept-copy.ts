import { join } from 'node:path';
import type { ExtractedDatabase } from './fsm/extract.js';
import { copyOut } from './io/copy-file.js';

/**
 * Hand a database's copy over to `dir` as `<name><suffix>.db` (--keep-copies). The copy is closed,
 * so SQLite has merged its WAL into the main file: one file to hand over. Never overwrites.
 */
export function keepCopy(database: ExtractedDatabase, dir: string, suffix = ''): string {
  const target = join(dir, `${safeFileName(database.name) || `db${database.index}`}${suffix}.db`);
  copyOut(database.mainPath, target, `the copy of "${database.name}"`);
  return target;
}

// A database name is untrusted input: only a plain file name goes into the kept copy's path.
function safeFileName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_');
}
