import { ByteQueue } from '../io/byte-queue.js';

/** What a WAL file holds, checked frame by frame the way SQLite's recovery does. */
export interface WalSummary {
  pageSize: number;
  /** Frames in the file (size minus the 32-byte header, over frame size). */
  frames: number;
  /** Leading frames whose salts and cumulative checksums are valid. */
  validFrames: number;
  /** Valid frames up to and including the last commit frame: what SQLite will replay. */
  committedFrames: number;
  /** Database size in pages after the last valid commit, 0 when there is none. */
  committedPages: number;
}

const WAL_HEADER_BYTES = 32;
const FRAME_HEADER_BYTES = 24;

/**
 * Streaming check of a SQLite WAL (https://www.sqlite.org/fileformat.html#the_write_ahead_log):
 * header magic 0x377f0682/3 (the low bit selects big-endian checksums), salts that every frame
 * must repeat, and checksums that run on from frame to frame. dqlite ≤ 1.16 ships the WAL
 * unmerged in its snapshots; counting what SQLite will accept tells a torn WAL from a whole one.
 */
export class WalScanner {
  private readonly input = new ByteQueue();
  private header: Buffer | undefined;
  private bigEndian = false;
  private s0 = 0;
  private s1 = 0;
  private broken = false;
  private readonly summary: WalSummary = {
    pageSize: 0,
    frames: 0,
    validFrames: 0,
    committedFrames: 0,
    committedPages: 0,
  };

  /** Returns an error message when the header is unusable, else undefined. */
  push(chunk: Buffer): string | undefined {
    this.input.push(chunk);
    if (!this.header) {
      if (this.input.length < WAL_HEADER_BYTES) {
        this.input.compact();
        return undefined;
      }
      const header = this.input.take(WAL_HEADER_BYTES);
      const magic = header.readUInt32BE(0);
      if (magic !== 0x377f0682 && magic !== 0x377f0683)
        return `WAL magic 0x${magic.toString(16)} is not SQLite's`;
      const pageSize = header.readUInt32BE(8);
      if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) {
        return `WAL page size ${pageSize} is not a power of two between 512 and 65536`;
      }
      this.header = Buffer.from(header);
      this.bigEndian = (magic & 1) === 1;
      this.summary.pageSize = pageSize;
      this.checksum(this.header.subarray(0, 24));
      if (this.s0 !== this.header.readUInt32BE(24) || this.s1 !== this.header.readUInt32BE(28))
        this.broken = true;
    }
    const frameBytes = FRAME_HEADER_BYTES + this.summary.pageSize;
    while (this.input.length >= frameBytes) this.frame(this.input.take(frameBytes));
    this.input.compact(); // at most one partial frame; no view of the caller's chunk is kept
    return undefined;
  }

  /** Call after the last chunk; `walBytes` is the declared size. */
  end(walBytes: number): WalSummary | string {
    if (!this.header) return `WAL of ${walBytes} bytes is shorter than its 32-byte header`;
    const frameBytes = FRAME_HEADER_BYTES + this.summary.pageSize;
    if ((walBytes - WAL_HEADER_BYTES) % frameBytes !== 0) {
      return `WAL of ${walBytes} bytes is not a header plus whole ${frameBytes}-byte frames`;
    }
    return { ...this.summary };
  }

  private frame(frame: Buffer): void {
    this.summary.frames += 1;
    if (this.broken) return;
    const header = this.header!;
    if (!frame.subarray(8, 16).equals(header.subarray(16, 24))) {
      this.broken = true;
      return;
    }
    this.checksum(frame.subarray(0, 8));
    this.checksum(frame.subarray(FRAME_HEADER_BYTES));
    if (this.s0 !== frame.readUInt32BE(16) || this.s1 !== frame.readUInt32BE(20)) {
      this.broken = true;
      return;
    }
    this.summary.validFrames += 1;
    const pagesAfterCommit = frame.readUInt32BE(4);
    if (pagesAfterCommit !== 0) {
      this.summary.committedFrames = this.summary.validFrames;
      this.summary.committedPages = pagesAfterCommit;
    }
  }

  // SQLite's walChecksumBytes: pairs of 32-bit words, in the byte order the magic names. Through a
  // DataView: Buffer's readUInt32 methods check bounds on every word.
  private checksum(bytes: Buffer): void {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    const little = !this.bigEndian;
    let s0 = this.s0;
    let s1 = this.s1;
    for (let i = 0; i + 8 <= bytes.length; i += 8) {
      s0 = (s0 + view.getUint32(i, little) + s1) >>> 0;
      s1 = (s1 + view.getUint32(i + 4, little) + s0) >>> 0;
    }
    this.s0 = s0;
    this.s1 = s1;
  }
}
