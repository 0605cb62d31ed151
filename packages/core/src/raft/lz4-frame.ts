import { uncompressSync } from 'lz4-napi';
import xxhash from 'xxhash-wasm';
import { AnalyzerError } from '../errors.js';
import { ByteQueue } from '../io/byte-queue.js';

/** First four bytes of an LZ4 frame (0x184D2204 little-endian). */
export const LZ4_MAGIC = Buffer.from([0x04, 0x22, 0x4d, 0x18]);

/** What the frame header says about the content. */
export interface Lz4FrameInfo {
  blockMaxBytes: number;
  linkedBlocks: boolean;
  blockChecksums: boolean;
  contentChecksum: boolean;
  /** Declared uncompressed size, when the header carries it (raft always writes it). */
  contentBytes: number | undefined;
}

type Hasher = ReturnType<Awaited<ReturnType<typeof xxhash>>['create32']>;
type XxHash = Awaited<ReturnType<typeof xxhash>>;

// lz4frame.h: block maximum sizes by BD id 4..7
const BLOCK_MAX_BYTES: Record<number, number> = { 4: 64 << 10, 5: 256 << 10, 6: 1 << 20, 7: 4 << 20 };
const WINDOW_BYTES = 64 << 10;
const MAX_HEADER_BYTES = 19;

let xxhashReady: Promise<XxHash> | undefined;

/**
 * Push decoder for one LZ4 frame (lz4 frame format 1.6.x), as raft writes it: 64 KiB *linked*
 * blocks, content size and content checksum (canonical/raft:src/compress.c). Linked blocks may
 * copy from the previous 64 KiB of output, so each block is decoded with that window as a
 * dictionary. Memory stays at one block plus the window, whatever the frame's size.
 */
export class Lz4FrameDecoder {
  private readonly input = new ByteQueue();
  private state: 'header' | 'blockSize' | 'block' | 'blockChecksum' | 'contentChecksum' | 'done' = 'header';
  private info: Lz4FrameInfo | undefined;
  private pendingBlock = 0;
  private pendingRaw = false;
  private window: Buffer = Buffer.alloc(0);
  private scratch: Buffer = Buffer.alloc(0);
  private hasher: Hasher | undefined;
  /** Compressed bytes consumed so far (for error offsets). */
  private consumed = 0;
  /** Decompressed bytes produced so far. */
  produced = 0;

  private constructor(
    private readonly xx: XxHash,
    private readonly path: string,
  ) {}

  /** Create a decoder; `path` only labels errors. */
  static async create(path = '<lz4>'): Promise<Lz4FrameDecoder> {
    xxhashReady ??= xxhash();
    return new Lz4FrameDecoder(await xxhashReady, path);
  }

  /** The frame header, once it has been read. */
  get frameInfo(): Lz4FrameInfo | undefined {
    return this.info;
  }

  /** Feed compressed bytes; returns the decompressed blocks they complete, in order. */
  push(chunk: Buffer): Buffer[] {
    this.write(chunk);
    const out: Buffer[] = [];
    for (let block = this.next(); block !== undefined; block = this.next()) out.push(block);
    return out;
  }

  /**
   * Queue compressed bytes; take the blocks they complete with next(). The decoder keeps views
   * of `chunk` until next() returns undefined, and none after: the caller may then reuse it.
   */
  write(chunk: Buffer): void {
    this.input.push(chunk);
  }

  /**
   * Decode the next block the queued bytes complete, or undefined when more input is needed (or
   * the frame is done). One block at a time: a highly compressible megabyte of input holds up to
   * ~250 MB of output, which push() would hold all at once.
   */
  next(): Buffer | undefined {
    const block = this.step();
    // Out of input: copy the partial block left over, so no caller buffer stays referenced.
    if (block === undefined) this.input.compact();
    return block;
  }

  private step(): Buffer | undefined {
    for (;;) {
      if (this.state === 'header') {
        if (!this.readHeader()) return undefined;
      } else if (this.state === 'blockSize') {
        if (this.input.length < 4) return undefined;
        this.readBlockSize(this.take(4).readUInt32LE(0));
      } else if (this.state === 'block') {
        if (this.input.length < this.pendingBlock) return undefined;
        const out = this.decodeBlock(this.take(this.pendingBlock));
        this.state = this.info!.blockChecksums ? 'blockChecksum' : 'blockSize';
        return out;
      } else if (this.state === 'blockChecksum') {
        // Block checksums cover compressed bytes; raft never writes them. Skipped, the
        // content checksum below covers every byte we hand on.
        if (this.input.length < 4) return undefined;
        this.take(4);
        this.state = 'blockSize';
      } else if (this.state === 'contentChecksum') {
        if (this.input.length < 4) return undefined;
        this.checkContent(this.take(4).readUInt32LE(0));
      } else {
        if (this.input.length > 0) {
          throw this.error(
            'DQA_LZ4_BAD_HEADER',
            `${this.input.length} bytes follow the end of the LZ4 frame`,
          );
        }
        return undefined;
      }
    }
  }

  /** Call after the last chunk: throws if the frame is incomplete. */
  end(): void {
    if (this.state !== 'done') {
      throw this.error(
        'DQA_LZ4_TRUNCATED',
        `LZ4 frame ends inside its ${this.state} after ${this.consumed} bytes`,
      );
    }
  }

  private take(n: number): Buffer {
    this.consumed += n;
    return this.input.take(n);
  }

  private readHeader(): boolean {
    if (this.input.length < 7) return false;
    const head = this.input.peek(Math.min(this.input.length, MAX_HEADER_BYTES));
    const magic = head.subarray(0, 4);
    if (!magic.equals(LZ4_MAGIC)) {
      throw this.error(
        'DQA_LZ4_BAD_HEADER',
        `bytes 0-3 are ${magic.toString('hex')}, not the LZ4 magic 04224d18`,
      );
    }
    const flg = head[4]!;
    const bd = head[5]!;
    if (flg >> 6 !== 1) throw this.error('DQA_LZ4_BAD_HEADER', `LZ4 frame version ${flg >> 6}, expected 1`);
    if (flg & 0x02 || bd & 0x8f)
      throw this.error('DQA_LZ4_BAD_HEADER', 'reserved bits set in the LZ4 frame header');
    if (flg & 0x01)
      throw this.error('DQA_LZ4_BAD_HEADER', 'LZ4 frames with a dictionary id are not supported');
    const blockMaxBytes = BLOCK_MAX_BYTES[(bd >> 4) & 0x07];
    if (!blockMaxBytes)
      throw this.error('DQA_LZ4_BAD_HEADER', `invalid LZ4 block size id ${(bd >> 4) & 0x07}`);
    const hasSize = (flg & 0x08) !== 0;
    const headerBytes = 4 + 2 + (hasSize ? 8 : 0) + 1;
    if (head.length < headerBytes) return false;
    const expected = (this.xx.h32Raw(head.subarray(4, headerBytes - 1), 0) >>> 8) & 0xff;
    if (expected !== head[headerBytes - 1]) {
      throw this.error('DQA_LZ4_BAD_HEADER', 'LZ4 frame header checksum does not match');
    }
    let contentBytes: number | undefined;
    if (hasSize) {
      const declared = head.readBigUInt64LE(6);
      if (declared > BigInt(Number.MAX_SAFE_INTEGER)) {
        throw this.error('DQA_LZ4_BAD_HEADER', `LZ4 content size ${declared} is implausible`);
      }
      contentBytes = Number(declared);
    }
    this.info = {
      blockMaxBytes,
      linkedBlocks: (flg & 0x20) === 0,
      blockChecksums: (flg & 0x10) !== 0,
      contentChecksum: (flg & 0x04) !== 0,
      contentBytes,
    };
    if (this.info.contentChecksum) this.hasher = this.xx.create32(0);
    this.scratch = Buffer.allocUnsafe(4 + blockMaxBytes);
    this.scratch.writeUInt32LE(blockMaxBytes, 0);
    this.take(headerBytes);
    this.state = 'blockSize';
    return true;
  }

  private readBlockSize(field: number): void {
    if (field === 0) {
      this.state = this.info!.contentChecksum ? 'contentChecksum' : 'done';
      if (this.state === 'done') this.checkSize();
      return;
    }
    this.pendingRaw = (field & 0x80000000) !== 0;
    this.pendingBlock = field & 0x7fffffff;
    if (this.pendingBlock > this.info!.blockMaxBytes) {
      throw this.error(
        'DQA_LZ4_CORRUPT',
        `LZ4 block of ${this.pendingBlock} bytes exceeds the frame's ${this.info!.blockMaxBytes}-byte maximum`,
      );
    }
    this.state = 'block';
  }

  private decodeBlock(block: Buffer): Buffer {
    let out: Buffer;
    if (this.pendingRaw) {
      out = Buffer.from(block); // a view into the input queue would be overwritten later
    } else {
      block.copy(this.scratch, 4);
      try {
        out = uncompressSync(
          this.scratch.subarray(0, 4 + block.length),
          this.info!.linkedBlocks ? this.window : undefined,
        );
      } catch (cause) {
        throw this.error(
          'DQA_LZ4_CORRUPT',
          `LZ4 block at compressed offset ${this.consumed - block.length} is corrupt`,
          cause,
        );
      }
    }
    this.hasher?.update(out);
    this.produced += out.length;
    if (this.info!.contentBytes !== undefined && this.produced > this.info!.contentBytes) {
      throw this.error(
        'DQA_LZ4_SIZE_MISMATCH',
        `LZ4 frame decompresses past its declared ${this.info!.contentBytes} bytes`,
      );
    }
    if (this.info!.linkedBlocks) {
      this.window =
        out.length >= WINDOW_BYTES
          ? out.subarray(out.length - WINDOW_BYTES)
          : tail(this.window, out, WINDOW_BYTES);
    }
    return out;
  }

  private checkContent(stored: number): void {
    const computed = this.hasher!.digest() >>> 0;
    if (computed !== stored) {
      throw this.error(
        'DQA_LZ4_CHECKSUM',
        `LZ4 content checksum 0x${stored.toString(16)} stored, 0x${computed.toString(16)} computed`,
      );
    }
    this.checkSize();
    this.state = 'done';
  }

  private checkSize(): void {
    const declared = this.info!.contentBytes;
    if (declared !== undefined && declared !== this.produced) {
      throw this.error(
        'DQA_LZ4_SIZE_MISMATCH',
        `LZ4 frame declares ${declared} bytes but decompresses to ${this.produced}`,
      );
    }
  }

  private error(
    code:
      | 'DQA_LZ4_BAD_HEADER'
      | 'DQA_LZ4_TRUNCATED'
      | 'DQA_LZ4_CORRUPT'
      | 'DQA_LZ4_CHECKSUM'
      | 'DQA_LZ4_SIZE_MISMATCH',
    message: string,
    cause?: unknown,
  ): AnalyzerError {
    return new AnalyzerError(
      code,
      `${this.path}: ${message}`,
      { path: this.path, compressedOffset: this.consumed },
      cause === undefined ? undefined : { cause },
    );
  }
}

/** The last `max` bytes of `a` followed by `b` (b shorter than max). */
function tail(a: Buffer, b: Buffer, max: number): Buffer {
  const keep = Math.min(a.length, max - b.length);
  return Buffer.concat([a.subarray(a.length - keep), b]);
}
