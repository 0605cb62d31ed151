import Database from 'better-sqlite3';
import { AnalyzerError, type ErrorCode } from '../errors.js';
import { checkSchemaIsSafe } from './schema-guard.js';

export type SqliteDatabase = Database.Database;

/**
 * Open the private copy. It is ours, so it is opened read-write: SQLite replays the WAL beside
 * it on first read, which a read-only connection could not do without a -shm file.
 */
export function openCopy(path: string, label: string): SqliteDatabase {
  let db: SqliteDatabase | undefined;
  try {
    db = new Database(path, { fileMustExist: true });
    // A throw-away copy needs no durability. With the default (NORMAL in WAL mode) closing the
    // connection checkpoints the snapshot's WAL and then fsyncs the main file: the whole freshly
    // written copy goes to disk (measured: 0.4 s and 378 MB of writes on a 378 MB database).
    db.pragma('synchronous = OFF');
    applyCopyPragmas(db);
    // Touch the schema now so a corrupt file fails here, with a clear code, not mid-analysis.
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
    checkSchemaIsSafe(db, label);
    return db;
  } catch (cause) {
    db?.close();
    throw cause instanceof AnalyzerError ? cause : sqliteError(cause, label);
  }
}

/**
 * What SQLite itself offers against a crafted file, on every connection to a copy (the side
 * thread's too, sqlite/side-thread.ts). better-sqlite3 already turns on SQLITE_DBCONFIG_DEFENSIVE
 * and enables only the C API of extension loading, so SQL's load_extension() answers "not
 * authorized" (WiseLibs/better-sqlite3:src/objects/database.cpp).
 * - trusted_schema = OFF: views, triggers, generated columns, CHECK and index expressions may call
 *   only functions marked innocuous, never ours (the kine scan registers one) nor unsafe ones
 *   (sqlite.org/pragma.html#pragma_trusted_schema). Its default is ON in this build.
 * - ignore_check_constraints = ON: quick_check and integrity_check evaluate every CHECK constraint
 *   of every row otherwise (sqlite.org/pragma.html#pragma_integrity_check), expressions the file
 *   chooses; the copy is never written, so CHECKs have nothing to guard.
 */
const HOSTILE_FILE_PRAGMAS = ['trusted_schema = OFF', 'ignore_check_constraints = ON'] as const;

/**
 * SQLite's own default page cache, 2,000 KiB (sqlite.org/pragma.html#pragma_cache_size), instead of
 * better-sqlite3's 16,000 KiB (its build's SQLITE_DEFAULT_CACHE_SIZE=-16000,
 * WiseLibs/better-sqlite3:deps/defines.gypi). Every pass over the copy is one sequential walk, which
 * no cache smaller than the file helps, and each connection filled the larger one: 28 MiB of peak
 * RSS at 377 MB (the main connection and the side thread's), and less CPU with the smaller one
 * (bench/RESULTS.md, issue 17 third pass).
 */
const PAGE_CACHE_PRAGMA = 'cache_size = -2000';

/** Every pragma each connection to a copy starts with, the side thread's too. */
export const COPY_PRAGMAS = [...HOSTILE_FILE_PRAGMAS, PAGE_CACHE_PRAGMA] as const;

function applyCopyPragmas(db: SqliteDatabase): void {
  for (const pragma of COPY_PRAGMAS) db.pragma(pragma);
}

/**
 * Wrap a SQLite failure on the copy of `label` in a typed error. The copy is ours, in the temp dir:
 * SQLite failing to write beside it (the -shm index, the checkpoint), to open it or to get memory is
 * this machine's fault, not the snapshot's (result codes: sqlite.org/rescode.html). Only what is
 * left (SQLITE_CORRUPT, SQLITE_NOTADB, ...) says the database itself is damaged.
 */
export function sqliteError(cause: unknown, label: string): AnalyzerError {
  const sqliteCode = (cause as { code?: string }).code ?? 'SQLITE_ERROR';
  const message = cause instanceof Error ? cause.message : String(cause);
  const [code, what] = meaningOf(sqliteCode);
  return new AnalyzerError(
    code,
    `${label}: ${what} (${sqliteCode}: ${message})`,
    { database: label, sqliteCode },
    { cause },
  );
}

function meaningOf(sqliteCode: string): [ErrorCode, string] {
  if (sqliteCode === 'SQLITE_FULL')
    return ['DQA_TEMP_NO_SPACE', 'the disk holding the private copy filled up under SQLite'];
  if (sqliteCode === 'SQLITE_NOMEM' || sqliteCode === 'SQLITE_IOERR_NOMEM')
    return ['DQA_SQLITE_NO_MEMORY', 'SQLite ran out of memory'];
  if (sqliteCode.startsWith('SQLITE_IOERR') || sqliteCode.startsWith('SQLITE_CANTOPEN'))
    return ['DQA_TEMP_FAILED', 'SQLite cannot read or write its files in the temp dir'];
  return ['DQA_SQLITE_CORRUPT', 'SQLite cannot read the database'];
}
