import { describe, expect, it } from 'vitest';
import { Lz4Blocks, RING_BYTES } from '../../src/raft/lz4-block.js';

// Blocks are built by hand here, sequence by sequence, so each case is exactly the one named;
// whole frames from the reference lz4 CLI are in lz4-frame.test.ts.

/** A length past 15 spills into extra bytes: 255 each, then the remainder. */
function extra(n: number): number[] {
  const out: number[] = [];
  let left = n - 15;
  while (left >= 255) {
    out.push(255);
    left -= 255;
  }
  out.push(left);
  return out;
}

/** One sequence: literals, then a match of `length` (≥ 4) bytes `offset` back, if any. */
function sequence(literals: number[], match?: { offset: number; length: number }): number[] {
  const litField = Math.min(literals.length, 15);
  const matchField = match ? Math.min(match.length - 4, 15) : 0;
  const out = [(litField << 4) | matchField];
  if (literals.length >= 15) out.push(...extra(literals.length));
  out.push(...literals);
  if (match) {
    out.push(match.offset & 0xff, match.offset >> 8);
    if (match.length - 4 >= 15) out.push(...extra(match.length - 4));
  }
  return out;
}

const blocks = new Lz4Blocks();
const SENTINEL = 0xa5;

/**
 * Decode `block` after `history` in the ring, `limit` bytes allowed; also checks that nothing
 * outside [start of block, limit) changed: not the history, not the 64 bytes past the limit (the
 * decoder's widest copy is 16).
 */
function decode(block: number[], history: number[] = [], limit = 1 << 16): number[] | -1 {
  const { ring } = blocks;
  const at = history.length;
  ring.fill(SENTINEL, 0, at + limit + 64);
  ring.set(history);
  const n = blocks.decode(Uint8Array.from(block), at, at + limit, 0);
  expect([...ring.subarray(0, at)], 'the history').toEqual(history);
  const past = ring.subarray(at + limit, at + limit + 64);
  expect(
    past.every((byte) => byte === SENTINEL),
    'past the limit',
  ).toBe(true);
  return n < 0 ? -1 : [...ring.subarray(at, at + n)];
}

const bytes = (n: number, seed = 1) => Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

describe('Lz4Blocks.decode', () => {
  it('copies literals short and long, with extra length bytes', () => {
    for (const n of [0, 1, 14, 15, 16, 17, 269, 270, 1000]) {
      expect(decode(sequence(bytes(n)))).toEqual(bytes(n));
    }
  });

  it('repeats a pattern shorter than the match, as overlapping copies do', () => {
    for (const offset of [1, 2, 3, 5, 8]) {
      for (const length of [4, 16, 17, 19, 100, 4000]) {
        const lead = bytes(offset, offset);
        const expected = [...lead];
        for (let i = 0; i < length; i++) expected.push(expected[expected.length - offset]!);
        const block = [...sequence(lead, { offset, length }), ...sequence([7])];
        expect(decode(block), `offset ${offset} length ${length}`).toEqual([...expected, 7]);
      }
    }
  });

  it('copies far matches, and reaches into the history in front of the block', () => {
    const lead = bytes(300);
    const block = [...sequence(lead, { offset: 300, length: 300 }), ...sequence([1, 2])];
    expect(decode(block)).toEqual([...lead, ...lead, 1, 2]);
    const history = bytes(70_000, 9);
    const fromHistory = [...sequence([], { offset: 65_535, length: 20 }), ...sequence([3])];
    expect(decode(fromHistory, history)).toEqual([...history.slice(70_000 - 65_535, 70_000 - 65_515), 3]);
  });

  it('rejects what a damaged block holds instead of reading or writing out of bounds', () => {
    const ok = sequence(bytes(8), { offset: 8, length: 8 });
    const cases: Record<string, number[]> = {
      'offset 0': [...sequence(bytes(8), { offset: 0, length: 8 }), ...sequence([1])],
      'offset before the start': [...sequence(bytes(8), { offset: 9, length: 8 }), ...sequence([1])],
      'literals past the end': sequence(bytes(20)).slice(0, -1),
      'ends after a match': ok,
      'ends inside the offset': ok.slice(0, -1),
      'ends inside a literal length': [0xf0, 255, 255],
      'ends inside a match length': sequence(bytes(8), { offset: 8, length: 100 }).slice(0, -1),
      empty: [],
    };
    for (const [name, block] of Object.entries(cases)) expect(decode(block), name).toBe(-1);
  });

  it("never writes past the limit, with the short copies' 8-byte words right at it", () => {
    expect(decode(sequence(bytes(100)), [], 99)).toBe(-1);
    for (const n of [1, 7, 8, 15, 16]) expect(decode(sequence(bytes(n)), [], n)).toEqual(bytes(n));
    const near = [...sequence(bytes(8), { offset: 8, length: 12 }), ...sequence([])];
    for (const limit of [20, 21, 27, 28, 29])
      expect(decode(near, [], limit), `limit ${limit}`).toHaveLength(20);
    expect(decode([...sequence(bytes(8), { offset: 8, length: 100 }), ...sequence([])], [], 107)).toBe(-1);
    expect(
      decode([...sequence(bytes(8), { offset: 8, length: 100 }), ...sequence([])], [], 108),
    ).toHaveLength(108);
  });

  it('reaches no further back than low, and refuses positions outside the ring', () => {
    const { ring } = blocks;
    ring.fill(1, 0, 100);
    const back = [...sequence([], { offset: 10, length: 4 }), ...sequence([2])];
    expect(blocks.decode(Uint8Array.from(back), 100, 200, 90)).toBe(5);
    expect(blocks.decode(Uint8Array.from(back), 100, 200, 91)).toBe(-1);
    expect(() => blocks.decode(Uint8Array.from(back), 100, RING_BYTES + 1, 0)).toThrow(RangeError);
    expect(() => blocks.decode(Uint8Array.from(back), 100, 200, 101)).toThrow(RangeError);
  });
});
