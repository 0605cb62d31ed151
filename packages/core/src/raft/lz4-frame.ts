import { AnalyzerError } from '../errors.js';
import { ByteQueue } from '../io/byte-queue.js';
import { Lz4Blocks, MAX_BLOCK_BYTES, RING_BYTES } from './lz4-block.js';

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

// lz4frame.h: block maximum sizes by BD id 4..7
const BLOCK_MAX_BYTES: Record<number, number> = { 4: 64 << 10, 5: 256 << 10, 6: 1 << 20, 7: MAX_BLOCK_BYTES };
const WINDOW_BYTES = 64 << 10;
const MAX_HEADER_BYTES = 19;
// Output is decoded into one ring that is reused round and round (Lz4Blocks.ring, 64 KiB + 4 MiB):
// no allocation per block, and linked blocks find the previous 64 KiB right in front of them. 4 MiB
// holds 60 raft blocks, or one block of the largest size, whatever the header says.

/**
 * Push decoder for one LZ4 frame (lz4 frame format 1.6.x), as raft writes it: 64 KiB *linked*
 * blocks, content size and content checksum (canonical/raft:src/compress.c). Linked blocks may
 * copy from the previous 64 KiB of output, which stays in front of each block in the decoder's
 * output buffer. Memory stays at that buffer (a few MiB), whatever the frame's size.
 */
export class Lz4FrameDecoder {
  private readonly input = new ByteQueue();
  private state: 'header' | 'blockSize' | 'block' | 'blockChecksum' | 'contentChecksum' | 'done' = 'header';
  private info: Lz4FrameInfo | undefined;
  private pendingBlock = 0;
  private pendingRaw = false;
  /** The decoder and the ring it decodes into: the 64 KiB before `outAt` are the previous output. */
  private readonly blocks = new Lz4Blocks();
  private readonly output = this.blocks.ring;
  private outAt = WINDOW_BYTES;
  private hashing = false;
  /** Compressed bytes consumed so far (for error offsets). */
  private consumed = 0;
  /** Decompressed bytes produced so far. */
  produced = 0;

  /** A decoder for one frame; `path` only labels errors. */
  constructor(private readonly path = '<lz4>') {}

  /** The frame header, once it has been read. */
  get frameInfo(): Lz4FrameInfo | undefined {
    return this.info;
  }

  /**
   * How long a block from nextView() stays intact: until this many more bytes have been decoded.
   * 0 before the header is read, and for blocks of 1 MiB and more: then a block is only intact
   * until the next one is decoded.
   */
  get viewBytes(): number {
    const block = this.info?.blockMaxBytes ?? 0;
    return block === 0 ? 0 : Math.max(0, RING_BYTES - WINDOW_BYTES - 3 * block);
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
   * of `chunk` until next() (or nextView()) returns undefined, and none after: the caller may
   * then reuse it.
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
    const block = this.nextView();
    return block && Buffer.from(block);
  }

  /**
   * next() without the copy: the block is a view of the decoder's output buffer, overwritten once
   * more than viewBytes more bytes have been decoded. For a caller that is done with it by then.
   */
  nextView(): Buffer | undefined {
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
    const expected = (this.blocks.hash(head.subarray(4, headerBytes - 1)) >>> 8) & 0xff;
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
    this.hashing = this.info.contentChecksum;
    if (this.hashing) this.blocks.hashInit();
    this.outAt = WINDOW_BYTES;
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
    const info = this.info!;
    if (this.outAt + info.blockMaxBytes > this.output.length) {
      // Round again: the last 64 KiB move to the front, where the next block can reach them.
      this.output.copyWithin(0, this.outAt - WINDOW_BYTES, this.outAt);
      this.outAt = WINDOW_BYTES;
    }
    const at = this.outAt;
    let length: number;
    if (this.pendingRaw) {
      length = block.copy(this.output, at);
    } else {
      // Independent blocks may not reach back past their own start.
      const low = info.linkedBlocks ? at - Math.min(WINDOW_BYTES, this.produced) : at;
      length = this.blocks.decode(block, at, at + info.blockMaxBytes, low);
      if (length < 0) {
        throw this.error(
          'DQA_LZ4_CORRUPT',
          `LZ4 block at compressed offset ${this.consumed - block.length} is corrupt`,
        );
      }
    }
    const out = this.output.subarray(at, at + length);
    this.outAt = at + length;
    if (this.hashing) this.blocks.hashRing(at, length);
    this.produced += length;
    if (info.contentBytes !== undefined && this.produced > info.contentBytes) {
      throw this.error(
        'DQA_LZ4_SIZE_MISMATCH',
        `LZ4 frame decompresses past its declared ${info.contentBytes} bytes`,
      );
    }
    return out;
  }

  private checkContent(stored: number): void {
    const computed = this.blocks.hashDigest();
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
