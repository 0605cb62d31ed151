// SQLite failing for want of space, files or memory while it reads the private copy is this
// machine's fault, not the snapshot's: the built CLI says DQA_TEMP_* (exit 73), not
// DQA_SQLITE_CORRUPT (exit 65), on a real tmpfs too small in bytes or in inodes for what SQLite
// writes beside the copy. The sample snapshot in examples/ is the input. Needs root (mount).
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractWithCli } from '@dqlite-analyzer/test-support/independent';
import { mountRefused, mountTmpfs, unmount } from '@dqlite-analyzer/test-support/tmpfs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AnalyzerError, errorKind } from '../../packages/core/src/errors.js';
import { guard } from '../../packages/core/src/sqlite/guard.js';
import { openCopy, sqliteError } from '../../packages/core/src/sqlite/open.js';
import { runCli } from './run-cli.js';

const SAMPLE = new URL('../../examples/sample-snapshot', import.meta.url).pathname;
const PAGE = 4096;

describe.skipIf(mountRefused !== undefined)('SQLite on a full temp filesystem (tmpfs)', () => {
  let temp: string;
  /** tmpfs pages and files the extracted databases take: each main file and WAL. */
  let pagesNeeded = 0;
  let filesNeeded = 0;

  beforeAll(async () => {
    temp = mkdtempSync(join(tmpdir(), 'dqa-full-temp-'));
    const snapshot = readdirSync(SAMPLE).find((name) => /^snapshot-\d+-\d+-\d+$/.test(name))!;
    const extraction = await extractWithCli(join(SAMPLE, snapshot));
    try {
      for (const db of extraction.databases) {
        pagesNeeded += Math.ceil(db.mainSize / PAGE) + Math.ceil(db.walSize / PAGE);
        filesNeeded += db.walSize > 0 ? 2 : 1;
      }
    } finally {
      await extraction.cleanup();
    }
    // The wal-index is what SQLite writes beside a copy with a WAL: the cases below need one.
    expect(filesNeeded).toBeGreaterThan(extraction.databases.length);
  });
  afterEach(() => unmount(temp));
  afterAll(() => rmSync(temp, { recursive: true, force: true }));

  const analyse = () => runCli([SAMPLE, '--temp-dir', temp, '--fail-on', 'none']);
  const errorLine = (code: string, sqlite: string) =>
    new RegExp(
      `^dqlite-analyze: ${code}: database "[^"]+": .*\\(${sqlite}: [^)]+\\); point --temp-dir at a directory you can write to\\n$`,
    );

  it('room for the copy but not for the wal-index: SQLITE_IOERR_SHMSIZE is DQA_TEMP_FAILED, exit 73', async () => {
    expect(mountTmpfs(temp, `size=${(pagesNeeded + 1) * PAGE}`)).toBeUndefined();
    const result = await analyse();
    expect(result.stderr).toMatch(errorLine('DQA_TEMP_FAILED', 'SQLITE_IOERR_SHMSIZE'));
    expect(result.code).toBe(73);
  });

  it('no inode left for the wal-index: SQLITE_CANTOPEN is DQA_TEMP_FAILED, exit 73', async () => {
    // The tmpfs root, the private directory, the copies; nothing more.
    expect(mountTmpfs(temp, `size=64m,nr_inodes=${2 + filesNeeded}`)).toBeUndefined();
    const result = await analyse();
    expect(result.stderr).toMatch(errorLine('DQA_TEMP_FAILED', 'SQLITE_CANTOPEN'));
    expect(result.code).toBe(73);
  });

  it('no inode left for the copy itself: DQA_TEMP_NO_SPACE, exit 73 (was an internal error)', async () => {
    expect(mountTmpfs(temp, 'size=64m,nr_inodes=4')).toBeUndefined();
    const result = await analyse();
    expect(result.stderr).toBe(
      'dqlite-analyze: DQA_TEMP_NO_SPACE: the disk holding the private copy is full; ' +
        'point --temp-dir at a filesystem with room free\n',
    );
    expect(result.code).toBe(73);
  });

  it('no page left for SQLite to write into: a real SQLITE_FULL is DQA_TEMP_NO_SPACE', () => {
    // The analysis writes only the wal-index beside the copy, which fails as IOERR_SHMSIZE; SQLite
    // says SQLITE_FULL when a database or journal write meets ENOSPC, made here on the same tmpfs
    // through the core's own connection and guard.
    expect(mountTmpfs(temp, `size=${16 * PAGE}`)).toBeUndefined();
    const path = join(temp, 'full.db');
    writeFileSync(path, ''); // an empty file is an empty database
    const db = openCopy(path, 'database "full"');
    let failure: unknown;
    try {
      db.exec('CREATE TABLE t (v BLOB)');
      const insert = db.prepare('INSERT INTO t VALUES (randomblob(4000))');
      for (let i = 0; i < 100 && failure === undefined; i++) {
        try {
          guard(() => insert.run(), 'database "full"');
        } catch (error) {
          failure = error;
        }
      }
    } finally {
      db.close();
    }
    expect(failure).toMatchObject({ code: 'DQA_TEMP_NO_SPACE', details: { sqliteCode: 'SQLITE_FULL' } });
    expect(errorKind((failure as AnalyzerError).code)).toBe('environment');
  });
});

describe('SQLite result codes', () => {
  // The mapping, with SQLite's own codes and texts; a real SQLITE_NOMEM, made by failing SQLite's
  // own allocations, is in sqlite-no-memory.test.ts.
  it('out of memory is DQA_SQLITE_NO_MEMORY (environment); corruption stays DQA_SQLITE_CORRUPT', () => {
    const error = (code: string, message: string) => Object.assign(new Error(message), { code });
    expect(sqliteError(error('SQLITE_NOMEM', 'out of memory'), 'k8s').code).toBe('DQA_SQLITE_NO_MEMORY');
    expect(sqliteError(error('SQLITE_IOERR_NOMEM', 'out of memory'), 'k8s').code).toBe(
      'DQA_SQLITE_NO_MEMORY',
    );
    expect(errorKind('DQA_SQLITE_NO_MEMORY')).toBe('environment');
    const corrupt = sqliteError(error('SQLITE_CORRUPT', 'database disk image is malformed'), 'k8s');
    expect(corrupt.code).toBe('DQA_SQLITE_CORRUPT');
    expect(errorKind(corrupt.code)).toBe('input');
    expect(sqliteError(error('SQLITE_NOTADB', 'file is not a database'), 'k8s').code).toBe(
      'DQA_SQLITE_CORRUPT',
    );
  });
});

describe('SQLite on a full temp filesystem: mounting', () => {
  it('says why the tmpfs tests did not run', (context) => {
    if (mountRefused) context.skip(`cannot mount a tmpfs here (${mountRefused}): these tests need root`);
  });
});
