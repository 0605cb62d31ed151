import { openSync } from 'node:fs';
import { join } from 'node:path';
import { AnalyzerError } from '../errors.js';
import { FileWriter, tempWriteError } from '../io/file-writer.js';
import type { SpaceBudget } from '../io/temp-dir.js';
import { SQLITE_MAGIC } from '../sqlite/header.js';
import type { PayloadDatabase, PayloadSink } from './payload.js';
import { WalScanner, type WalSummary } from './wal.js';

/** A database written out of the payload into the private directory. */
export interface ExtractedDatabase extends PayloadDatabase {
  /** Main file of the private copy; SQLite finds the WAL beside it as `<mainPath>-wal`. */
  mainPath: string;
  /** The WAL as checked frame by frame; undefined when the payload carries none. */
  wal: WalSummary | undefined;
}

/**
 * A PayloadSink that writes each database into `dir` as `db<N>` (+ `db<N>-wal`), mode 0600.
 * File names never come from the payload: a database name is untrusted input.
 *
 * The writes run in the background (FileWriter): the sink keeps the chunks it is given until
 * flush() has settled, and the caller must not change them before. close() ends it all.
 */
export class ExtractSink implements PayloadSink {
  readonly databases: ExtractedDatabase[] = [];
  private current: ExtractedDatabase | undefined;
  private mainFile: FileWriter | undefined;
  private walFile: FileWriter | undefined;
  /** Files of finished databases, closing once their last writes are done. */
  private readonly closing = new Set<Promise<void>>();
  private failure: unknown;
  private head: Buffer[] = [];
  private headBytes = 0;
  private scanner: WalScanner | undefined;
  private budget: SpaceBudget | undefined;
  /** Bytes the files written so far take, in whole blocks (only with a budget). */
  private spent = 0;
  /** Bytes written to the current database's main file and WAL. */
  private readonly written = { main: 0, wal: 0 };

  constructor(
    private readonly dir: string,
    private readonly path: string,
  ) {}

  /**
   * Stop with DQA_TEMP_NO_SPACE before the files take more than `budget`: for a payload whose size
   * is not known before it is written, checked on every chunk.
   */
  limitTo(budget: SpaceBudget): void {
    this.budget = budget;
  }

  startDatabase(database: PayloadDatabase): void {
    const mainPath = join(this.dir, `db${database.index}`);
    this.written.main = 0;
    this.written.wal = 0;
    this.current = { ...database, mainPath, wal: undefined };
    this.mainFile = createPrivateFile(mainPath);
    this.head = [];
    this.headBytes = 0;
    if (database.walBytes > 0) {
      this.walFile = createPrivateFile(`${mainPath}-wal`);
      this.scanner = new WalScanner();
    }
  }

  main(chunk: Buffer): void {
    if (this.headBytes < SQLITE_MAGIC.length) {
      this.head.push(Buffer.from(chunk.subarray(0, SQLITE_MAGIC.length)));
      this.headBytes += Math.min(chunk.length, SQLITE_MAGIC.length);
      if (this.headBytes >= SQLITE_MAGIC.length) this.checkMagic();
    }
    this.spend('main', chunk.length);
    this.mainFile!.write(chunk);
  }

  wal(chunk: Buffer): void {
    const problem = this.scanner!.push(chunk);
    if (problem) this.badWal(problem);
    this.spend('wal', chunk.length);
    this.walFile!.write(chunk);
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

  /**
   * Start every queued write; resolves once all of them are done, so the chunks given so far may
   * be reused. Throws the first write error (DQA_TEMP_NO_SPACE for a full disk).
   */
  async flush(): Promise<void> {
    await Promise.all([this.mainFile?.flush(), this.walFile?.flush(), ...this.closing]);
    if (this.failure !== undefined) throw this.failure;
  }

  /** Wait for every write and close every file, also after an error; throws what flush() throws. */
  async close(): Promise<void> {
    this.closeFiles();
    await this.flush();
  }

  private closeFiles(): void {
    for (const file of [this.mainFile, this.walFile]) {
      if (!file) continue;
      // Closed before the next database's files are opened, as a rule: one database at a time.
      if (file.closeNow()) continue;
      const closed: Promise<void> = file.close().then(
        () => {
          this.closing.delete(closed);
        },
        (error: unknown) => {
          this.failure ??= error;
          this.closing.delete(closed);
        },
      );
      this.closing.add(closed);
    }
    this.mainFile = undefined;
    this.walFile = undefined;
  }

  private spend(file: 'main' | 'wal', bytes: number): void {
    const before = this.written[file];
    this.written[file] += bytes;
    const budget = this.budget;
    if (!budget) return;
    const blocks = (n: number) => Math.ceil(n / budget.blockBytes) * budget.blockBytes;
    this.spent += blocks(before + bytes) - blocks(before);
    if (this.spent <= budget.bytes) return;
    throw new AnalyzerError(
      'DQA_TEMP_NO_SPACE',
      `${budget.dir} has ${budget.free} bytes free and keeps ${budget.keptFree} of them free: the private copy ` +
        `of ${this.path}, an LZ4 frame that does not declare its size, was stopped at ${budget.bytes} bytes`,
      { dir: budget.dir, free: budget.free, keptFree: budget.keptFree },
    );
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

function createPrivateFile(path: string): FileWriter {
  try {
    // 'wx': never follow or reuse an existing file in the private directory.
    return new FileWriter(openSync(path, 'wx', 0o600));
  } catch (cause) {
    throw tempWriteError(cause);
  }
}
