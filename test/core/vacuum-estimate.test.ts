// The size after VACUUM that the report promises, checked against what `VACUUM INTO` with the
// sqlite3 CLI really writes from the same file. The case that went wrong: a file VACUUMed already,
// whose rows vary in size, was estimated to grow (6,459,392 for a 6,451,200-byte file).
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { analyze } from '@dqlite-analyzer/core';
import { kineSchema } from '@dqlite-analyzer/test-support/kine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'dqa-vacuum-estimate-'));
});

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** A kine file of `rows` ConfigMaps, values of `minBytes` plus up to `spread` random bytes. */
async function kineFile(name: string, rows: number, minBytes: number, spread: number, after: string[]) {
  const path = join(scratch, name);
  const insert =
    `WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < ${rows}) ` +
    'INSERT INTO kine (name, created, deleted, create_revision, prev_revision, lease, value, old_value) ' +
    `SELECT '/registry/configmaps/default/cm-' || i, 1, 0, i, 0, 0, randomblob(${minBytes} + abs(random()) % ${spread}), NULL FROM c`;
  await run('sqlite3', [path, [...kineSchema('v1'), insert, ...after].join(';\n')]);
  return path;
}

/** The independent figure: the size of what `VACUUM INTO` writes, and the file's pages in use. */
async function sqliteFigures(path: string) {
  const target = `${path}.vacuumed`;
  await run('sqlite3', ['-readonly', path, `VACUUM INTO '${target}'`]);
  const { stdout } = await run('sqlite3', [
    path,
    'SELECT (SELECT page_count FROM pragma_page_count) - (SELECT freelist_count FROM pragma_freelist_count), (SELECT page_size FROM pragma_page_size)',
  ]);
  const [inUse, pageSize] = stdout.trim().split('|').map(Number);
  return { vacuumed: (await stat(target)).size, inUseBytes: inUse! * pageSize! };
}

describe('the VACUUM estimate against VACUUM INTO', () => {
  it('never exceeds the pages in use: a VACUUMed file of mixed-size rows is estimated at its own size', async () => {
    const path = await kineFile('packed.db', 3000, 1300, 400, ['VACUUM']);
    const theirs = await sqliteFigures(path);
    const db = (await analyze(path, { tempDir: scratch })).databases[0]!;
    expect(db.freelistCount).toBe(0);
    expect(theirs.vacuumed).toBe(db.fileBytes); // VACUUM of a VACUUMed file changes nothing
    expect(db.estimatedVacuumedBytes).toBe(theirs.inUseBytes);
  });

  it('stays within 5% of VACUUM INTO on a file with half its rows deleted', async () => {
    const path = await kineFile('holes.db', 3000, 1300, 400, ['DELETE FROM kine WHERE id % 2 = 0']);
    const theirs = await sqliteFigures(path);
    const db = (await analyze(path, { tempDir: scratch })).databases[0]!;
    expect(db.freelistCount).toBeGreaterThan(0);
    expect(db.estimatedVacuumedBytes).toBeLessThanOrEqual(theirs.inUseBytes);
    expect(Math.abs(db.estimatedVacuumedBytes / theirs.vacuumed - 1)).toBeLessThan(0.05);
  });
});
