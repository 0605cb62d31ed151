import { wasmInstance } from '../wasm.js';
import { LZ4_WASM } from './lz4-wasm.js';

const KIB = 1 << 10;
/** The largest LZ4 block (block size id 7), and so the most one block decodes to. */
export const MAX_BLOCK_BYTES = 4096 * KIB;
/** Where the hash states are: two of 48 bytes (lz4.wat), the frame's and a scratch one. */
const CONTENT_HASH = 0;
const SCRATCH_HASH = 64;
/** The output ring: the previous 64 KiB in front of each block, then 4 MiB of blocks. */
const RING_AT = 64 * KIB;
export const RING_BYTES = 64 * KIB + MAX_BLOCK_BYTES;
/** One compressed block, copied in, then 64 bytes that the literal copies may read past its end. */
const INPUT_AT = RING_AT + RING_BYTES;
const MEMORY_BYTES_NEEDED = INPUT_AT + MAX_BLOCK_BYTES + 64;

interface Exports {
  memory: { buffer: ArrayBuffer };
  decode(sp: number, end: number, op: number, limit: number, low: number): number;
  hashInit(state: number, seed: number): void;
  hashUpdate(state: number, at: number, length: number): void;
  hashDigest(state: number): number;
}

/**
 * LZ4 blocks decoded into an output ring, and the xxHash32 of what they decode to, by lz4.wat in
 * WebAssembly: ~2× the JavaScript decoder's speed, and the hash reads the ring in place
 * (bench/RESULTS.md, sixth pass). The ring is `ring`, a Buffer over the module's memory, which has a
 * fixed size and never detaches it; positions below are indices into it. Memory: 8.2 MiB, touched
 * as the frame's block size needs.
 */
export class Lz4Blocks {
  /** The output ring: RING_BYTES, the caller's to manage (lz4-frame.ts). */
  readonly ring: Buffer;
  private readonly input: Buffer;
  private readonly wasm: Exports;

  constructor() {
    this.wasm = wasmInstance<Exports>(LZ4_WASM, 'LZ4 decoder');
    const { buffer } = this.wasm.memory;
    // lz4.wat declares its fixed size; this layout must fit in it.
    if (buffer.byteLength < MEMORY_BYTES_NEEDED) throw new Error('lz4.wat memory too small for its layout');
    this.ring = Buffer.from(buffer, RING_AT, RING_BYTES);
    this.input = Buffer.from(buffer, INPUT_AT, MAX_BLOCK_BYTES);
  }

  /**
   * Decode one LZ4 block (lz4 block format 1.6.x) into the ring at `at`; matches may reach back to
   * `low` (the previous output, for linked blocks), nothing is written at or past `limit`. Returns the
   * bytes decoded, or -1 when the block is malformed: a run past the end of the input or the output,
   * an offset of 0 or before `low`, a block ending in a match. Up to 15 bytes between the block's
   * end and `limit` may be overwritten.
   */
  decode(block: Uint8Array, at: number, limit: number, low: number): number {
    if (block.length > MAX_BLOCK_BYTES || !(0 <= low && low <= at && at <= limit && limit <= RING_BYTES))
      throw new RangeError('LZ4 block outside the ring');
    this.input.set(block);
    return this.wasm.decode(INPUT_AT, INPUT_AT + block.length, RING_AT + at, RING_AT + limit, RING_AT + low);
  }

  /** Start the content hash over (xxHash32 with `seed`). */
  hashInit(seed = 0): void {
    this.wasm.hashInit(CONTENT_HASH, seed);
  }

  /** Add ring[at, at + length) to the content hash. */
  hashRing(at: number, length: number): void {
    if (!(0 <= at && length >= 0 && at + length <= RING_BYTES)) throw new RangeError('hash outside the ring');
    this.wasm.hashUpdate(CONTENT_HASH, RING_AT + at, length);
  }

  /** The content hash of everything added since hashInit(), unsigned. */
  hashDigest(): number {
    return this.wasm.hashDigest(CONTENT_HASH) >>> 0;
  }

  /** xxHash32 of `bytes` (up to 4 MiB), leaving the content hash alone: the frame header's checksum. */
  hash(bytes: Uint8Array, seed = 0): number {
    this.input.set(bytes);
    this.wasm.hashInit(SCRATCH_HASH, seed);
    this.wasm.hashUpdate(SCRATCH_HASH, INPUT_AT, bytes.length);
    return this.wasm.hashDigest(SCRATCH_HASH) >>> 0;
  }
}
