// sqlite3_analyzer's per-object figures, read from the SQL dump that ends its report (the
// `space_used` table: "The entire text of this report can be sourced into any SQL database engine").
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sqlite } from '@dqlite-analyzer/test-support/independent';

const run = promisify(execFile);

export interface SpaceUsed {
  name: string;
  pages: number;
  payload: number;
  unused: number;
  /** "Number of entries": rows of a table (its leaf cells), every cell of an index (leaf and interior). */
  entries: number;
  leafEntries: number;
}

/** Run sqlite3_analyzer on a copy of `mainPath` (+ its WAL) and return its space_used rows. */
export async function readSpaceUsed(mainPath: string, scratch: string): Promise<SpaceUsed[]> {
  const dir = await mkdtemp(join(scratch, 'analyzer-'));
  try {
    const db = join(dir, 'db');
    await copyFile(mainPath, db);
    await copyFile(`${mainPath}-wal`, `${db}-wal`).catch(() => undefined);
    const { stdout } = await run('sqlite3_analyzer', [db], { maxBuffer: 64 << 20 });
    const dump = stdout.slice(stdout.indexOf('BEGIN;'));
    const loaded = join(dir, 'space.db');
    await writeFile(join(dir, 'dump.sql'), dump);
    await run('sqlite3', [loaded, `.read ${join(dir, 'dump.sql')}`]);
    return await sqlite<SpaceUsed>(
      loaded,
      'SELECT name, int_pages + leaf_pages + ovfl_pages AS pages, payload, ' +
        'int_unused + leaf_unused + ovfl_unused AS unused, ' +
        // What its report prints as "Number of entries": an index's every cell, a table's rows (spaceanal.tcl).
        'CASE WHEN is_index THEN nentry ELSE leaf_entries END AS entries, leaf_entries AS leafEntries FROM space_used',
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
