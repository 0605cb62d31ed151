import { AnalyzerError } from '../errors.js';
import { ByteQueue } from '../io/byte-queue.js';

/** One database as declared in the dqlite snapshot payload. */
export interface PayloadDatabase {
  /** Position in the payload (0-based, the dqlite registry's creation order). */
  index: number;
  name: string;
  /** Byte offset of the database's name field within the payload. */
  offset: number;
  mainBytes: number;
  walBytes: number;
}

/** Receives each database's bytes as the parser streams them. */
export interface PayloadSink {
  startDatabase(database: PayloadDatabase): void;
  main(chunk: Buffer): void;
  wal(chunk: Buffer): void;
  endDatabase(): void;
}

// SNAPSHOT_FORMAT in canonical/dqlite:src/fsm.c, unchanged since dqlite 1.0.
const SNAPSHOT_FORMAT = 1n;
// dqlite's own file names are short ("k8s", "demo"); anything this long is damage, not a name.
const MAX_NAME_BYTES = 4096;
const HEADER_BYTES = 16;
const SIZES_BYTES = 16;
// Smallest possible database entry: an 8-byte padded name plus the two size fields.
const MIN_ENTRY_BYTES = 8 + SIZES_BYTES;

/**
 * Push parser for the dqlite FSM snapshot payload (canonical/dqlite:src/fsm.c, decodeDatabase):
 * u64 format (1), u64 database count, then per database a NUL-terminated name padded to 8 bytes,
 * u64 main size, u64 WAL size, the main file bytes and the WAL bytes; all little-endian.
 * File bytes go straight to the sink in the chunks they arrive in, so nothing is held whole.
 */
export class PayloadParser {
  private readonly input = new ByteQueue();
  private state: 'header' | 'name' | 'sizes' | 'main' | 'wal' | 'done' = 'header';
  private offset = 0;
  private count = 0;
  private current: PayloadDatabase | undefined;
  private remaining = 0;
  private pendingName = '';
  readonly databases: PayloadDatabase[] = [];

  /**
   * @param totalBytes payload size when known (LZ4 content size or raw file size): lets size
   *   fields be checked before anything is allocated or written.
   */
  constructor(
    private readonly sink: PayloadSink,
    private readonly totalBytes: number | undefined,
    private readonly path = '<payload>',
  ) {}

  /** Number of databases the header declares (0 before the header is read). */
  get declaredDatabases(): number {
    return this.count;
  }

  /** Parse `chunk`; no view of it is kept once this returns (the caller may reuse it). */
  push(chunk: Buffer): void {
    this.input.push(chunk);
    while (this.step()) {
      // each step consumes one field or one run of file bytes
    }
    this.input.compact(); // what is left is part of one field, never file bytes
  }

  /** Call after the last chunk: throws if the payload is incomplete. */
  end(): void {
    if (this.state !== 'done') {
      const where = this.current ? `database "${this.current.name}" ${this.state}` : this.state;
      throw new AnalyzerError(
        'DQA_FSM_TRUNCATED',
        `${this.path}: payload ends at byte ${this.offset} inside ${where}`,
        { path: this.path, offset: this.offset },
      );
    }
  }

  private step(): boolean {
    switch (this.state) {
      case 'header':
        return this.readHeader();
      case 'name':
        return this.readName();
      case 'sizes':
        return this.readSizes();
      case 'main':
      case 'wal':
        return this.copyFileBytes();
      case 'done':
        if (this.input.length > 0) {
          throw new AnalyzerError(
            'DQA_FSM_TRAILING_DATA',
            `${this.path}: ${this.input.length} bytes follow the last database at byte ${this.offset}`,
            { path: this.path, offset: this.offset },
          );
        }
        return false;
    }
  }

  private take(n: number): Buffer {
    this.offset += n;
    return this.input.take(n);
  }

  private readHeader(): boolean {
    if (this.input.length < HEADER_BYTES) return false;
    const header = this.take(HEADER_BYTES);
    const format = header.readBigUInt64LE(0);
    if (format !== SNAPSHOT_FORMAT) {
      throw new AnalyzerError('DQA_FSM_BAD_FORMAT', `${this.path}: payload format ${format}, expected 1`, {
        path: this.path,
        offset: 0,
        found: format.toString(),
      });
    }
    const count = header.readBigUInt64LE(8);
    if (count === 0n) {
      throw new AnalyzerError('DQA_FSM_NO_DATABASES', `${this.path}: payload declares 0 databases`, {
        path: this.path,
        offset: 8,
      });
    }
    const room =
      this.totalBytes === undefined ? 1024 : Math.floor((this.totalBytes - HEADER_BYTES) / MIN_ENTRY_BYTES);
    if (count > BigInt(room)) {
      throw new AnalyzerError(
        'DQA_FSM_TOO_MANY_DATABASES',
        `${this.path}: payload declares ${count} databases, room for at most ${room}`,
        { path: this.path, offset: 8, found: count.toString() },
      );
    }
    this.count = Number(count);
    this.state = 'name';
    return true;
  }

  private readName(): boolean {
    // Nothing left where a name should start: end() reports the payload as truncated.
    if (this.input.length === 0) return false;
    const nul = this.input.indexOf(0, MAX_NAME_BYTES);
    if (nul < 0) {
      if (this.input.length < MAX_NAME_BYTES && !this.pastEnd(this.offset + this.input.length)) return false;
      throw new AnalyzerError(
        'DQA_FSM_BAD_NAME',
        `${this.path}: database name at byte ${this.offset} has no NUL terminator`,
        { path: this.path, offset: this.offset },
      );
    }
    const padded = (nul + 1 + 7) & ~7;
    if (this.input.length < padded) return false;
    const nameOffset = this.offset;
    this.pendingName = this.take(padded).toString('utf8', 0, nul);
    this.current = {
      index: this.databases.length,
      name: this.pendingName,
      offset: nameOffset,
      mainBytes: 0,
      walBytes: 0,
    };
    this.state = 'sizes';
    return true;
  }

  private readSizes(): boolean {
    if (this.input.length < SIZES_BYTES) return false;
    const at = this.offset;
    const sizes = this.take(SIZES_BYTES);
    const main = sizes.readBigUInt64LE(0);
    const wal = sizes.readBigUInt64LE(8);
    const available = this.totalBytes === undefined ? undefined : this.totalBytes - this.offset;
    if (available !== undefined && main + wal > BigInt(available)) {
      throw new AnalyzerError(
        'DQA_FSM_SIZE_TOO_LARGE',
        `${this.path}: database "${this.pendingName}" declares ${main} + ${wal} bytes at byte ${at}, only ${available} follow`,
        { path: this.path, offset: at, declared: (main + wal).toString(), available },
      );
    }
    if (main + wal > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new AnalyzerError(
        'DQA_FSM_SIZE_TOO_LARGE',
        `${this.path}: size fields at byte ${at} are implausible`,
        {
          path: this.path,
          offset: at,
        },
      );
    }
    const database = this.current!;
    database.mainBytes = Number(main);
    database.walBytes = Number(wal);
    this.databases.push(database);
    this.sink.startDatabase(database);
    this.state = 'main';
    this.remaining = database.mainBytes;
    return true;
  }

  private copyFileBytes(): boolean {
    while (this.remaining > 0) {
      if (this.input.length === 0) return false;
      const piece = this.input.takeUpTo(this.remaining);
      this.offset += piece.length;
      this.remaining -= piece.length;
      if (this.state === 'main') this.sink.main(piece);
      else this.sink.wal(piece);
    }
    if (this.state === 'main') {
      this.state = 'wal';
      this.remaining = this.current!.walBytes;
      return true;
    }
    this.sink.endDatabase();
    this.current = undefined;
    this.state = this.databases.length === this.count ? 'done' : 'name';
    return true;
  }

  private pastEnd(offset: number): boolean {
    return this.totalBytes !== undefined && offset >= this.totalBytes;
  }
}
