import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { AnalyzerError } from '../errors.js';
import type { PayloadDatabase, PayloadSink } from './payload.js';
import { WalScanner, type WalSummary } from './wal.js';

/** A database written out of the payload into the private directory. */
export interface ExtractedDatabase extends PayloadDatabase {
  /** Main file of the private copy; SQLite finds the WAL beside it as `<mainPath>-wal`. */
  mainPath: string;
  /** The WAL as checked frame by frame; undefined when the payload carries none. */
  wal: WalSummary | undefined;
}

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * A PayloadSink that writes each database into `dir` as `db<N>` (+ `db<N>-wal`), mode 0600.
 * File names never come from the payload: a database name is untrusted input.
 */
export class ExtractSink implements PayloadSink {
  readonly databases: ExtractedDatabase[] = [];
  private current: ExtractedDatabase | undefined;
  private mainFd = -1;
  private walFd = -1;
  private head: Buffer[] = [];
  private headBytes = 0;
  private scanner: WalScanner | undefined;

  constructor(
    private readonly dir: string,
    private readonly path: string,
  ) {}

  startDatabase(database: PayloadDatabase): void {
    const mainPath = join(this.dir, `db${database.index}`);
    this.current = { ...database, mainPath, wal: undefined };
    this.mainFd = createPrivateFile(mainPath);
    this.head = [];
    this.headBytes = 0;
    if (database.walBytes > 0) {
      this.walFd = createPrivateFile(`${mainPath}-wal`);
      this.scanner = new WalScanner();
    }
  }

  main(chunk: Buffer): void {
    if (this.headBytes < SQLITE_MAGIC.length) {
      this.head.push(Buffer.from(chunk.subarray(0, SQLITE_MAGIC.length)));
      this.headBytes += Math.min(chunk.length, SQLITE_MAGIC.length);
      if (this.headBytes >= SQLITE_MAGIC.length) this.checkMagic();
    }
    writeAll(this.mainFd, chunk);
  }

  wal(chunk: Buffer): void {
    const problem = this.scanner!.push(chunk);
    if (problem) this.badWal(problem);
    writeAll(this.walFd, chunk);
  }

  endDatabase(): void {
    const database = this.current!;
    if (database.mainBytes > 0 && this.headBytes < SQLITE_MAGIC.length) this.checkMagic();
    if (this.scanner) {
      const summary = this.scanner.end(database.walBytes);
      if (typeof summary === 'string') this.badWal(summary);
      else database.wal = summary;
    }
    this.closeFiles();
    this.databases.push(database);
    this.current = undefined;
    this.scanner = undefined;
  }

  /** Close any file left open by an error part-way through a database. */
  closeFiles(): void {
    if (this.mainFd >= 0) closeSync(this.mainFd);
    if (this.walFd >= 0) closeSync(this.walFd);
    this.mainFd = -1;
    this.walFd = -1;
  }

  private checkMagic(): void {
    const head = Buffer.concat(this.head).subarray(0, SQLITE_MAGIC.length);
    if (!head.equals(SQLITE_MAGIC)) {
      const database = this.current!;
      throw new AnalyzerError(
        'DQA_SQLITE_NOT_DATABASE',
        `${this.path}: database "${database.name}" does not start with the SQLite header (found ${head.toString('hex')})`,
        { path: this.path, database: database.name, offset: database.offset },
      );
    }
  }

  private badWal(problem: string): never {
    const database = this.current!;
    throw new AnalyzerError('DQA_SQLITE_BAD_WAL', `${this.path}: database "${database.name}": ${problem}`, {
      path: this.path,
      database: database.name,
    });
  }
}

function createPrivateFile(path: string): number {
  // 'wx': never follow or reuse an existing file in the private directory.
  return openSync(path, 'wx', 0o600);
}

function writeAll(fd: number, chunk: Buffer): void {
  let written = 0;
  try {
    while (written < chunk.length) written += writeSync(fd, chunk, written, chunk.length - written);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOSPC') {
      throw new AnalyzerError(
        'DQA_TEMP_NO_SPACE',
        'the disk holding the private copy is full',
        {},
        { cause },
      );
    }
    throw cause;
  }
}
