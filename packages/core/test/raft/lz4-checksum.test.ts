import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import xxhash from 'xxhash-wasm';
import { Lz4Blocks } from '../../src/raft/lz4-block.js';

// lz4.wat's decoder is checked in lz4-block.test.ts (blocks built by hand) and lz4-frame.test.ts
// (frames from the lz4 CLI); here its xxHash32, against xxhash-wasm, a separate implementation of
// the same spec (Cyan4973/xxHash:doc/xxhash_spec.md).

describe("lz4.wat's xxHash32", () => {
  it('hashes as XXH32 does, at every length and however the content is split into blocks', async () => {
    const reference = await xxhash();
    const blocks = new Lz4Blocks();
    const content = randomBytes(3000);
    // Lengths across the 16-byte stripe and the 4-byte tail, and the 16-byte switch of the start.
    const lengths = [0, 1, 3, 4, 5, 15, 16, 17, 31, 32, 33, 63, 64, 100, 1000, 3000];
    for (const length of lengths) {
      const bytes = content.subarray(0, length);
      for (const seed of [0, 1, 0x9e3779b1]) {
        const expected = reference.h32Raw(bytes, seed) >>> 0;
        expect(blocks.hash(bytes, seed), `one shot, ${length} bytes, seed ${seed}`).toBe(expected);
        for (const cut of [1, 3, 7, 16, 17, 255]) {
          blocks.hashInit(seed);
          for (let at = 0; at < length; at += cut) {
            const piece = bytes.subarray(at, Math.min(length, at + cut));
            blocks.ring.set(piece, 1000);
            blocks.hashRing(1000, piece.length);
          }
          expect(blocks.hashDigest(), `${length} bytes in pieces of ${cut}, seed ${seed}`).toBe(expected);
        }
      }
    }
  });

  it('keeps the content hash apart from the one-shot hash of a frame header', async () => {
    const reference = await xxhash();
    const blocks = new Lz4Blocks();
    const content = randomBytes(200);
    blocks.hashInit();
    blocks.ring.set(content, 0);
    blocks.hashRing(0, 100);
    expect(blocks.hash(content.subarray(0, 7))).toBe(reference.h32Raw(content.subarray(0, 7), 0) >>> 0);
    blocks.hashRing(100, 100);
    expect(blocks.hashDigest()).toBe(reference.h32Raw(content, 0) >>> 0);
  });
});
