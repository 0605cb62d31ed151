// Mutations of valid inputs, biased towards the offsets where structure lives (headers, size
// fields, block boundaries) and towards the integer values parsers get wrong (0, 2^32, 2^53, 2^64-1).
import fc from 'fast-check';

export type Mutation =
  | { kind: 'flip'; at: number; mask: number }
  | { kind: 'u64'; at: number; value: bigint }
  | { kind: 'u32'; at: number; value: number; bigEndian: boolean }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'fill'; at: number; length: number; value: number };

const U64_VALUES = [
  0n,
  1n,
  2n,
  7n,
  8n,
  255n,
  4096n,
  65535n,
  1n << 31n,
  1n << 32n,
  (1n << 53n) - 1n,
  1n << 53n,
];
const U64_EXTREMES = [1n << 63n, (1n << 64n) - 1n];
const U32_VALUES = [0, 1, 4, 0x377f0682, 0x377f0683, 0x7fffffff, 0x80000000, 0xffffffff, 512, 65536];

/** An offset: anywhere, or near one of the structural `hotspots`. */
function offset(hotspots: readonly number[]): fc.Arbitrary<number> {
  const anywhere = fc.nat({ max: 1 << 24 });
  if (hotspots.length === 0) return anywhere;
  const near = fc
    .tuple(fc.constantFrom(...hotspots), fc.integer({ min: -8, max: 8 }))
    .map(([spot, delta]) => Math.max(0, spot + delta));
  return fc.oneof({ arbitrary: near, weight: 3 }, { arbitrary: anywhere, weight: 1 });
}

export function mutation(hotspots: readonly number[] = []): fc.Arbitrary<Mutation> {
  const at = offset(hotspots);
  return fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at, mask: fc.integer({ min: 1, max: 255 }) }),
    fc.record({
      kind: fc.constant('u64' as const),
      at,
      value: fc.oneof(
        fc.constantFrom(...U64_VALUES, ...U64_EXTREMES),
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
      ),
    }),
    fc.record({
      kind: fc.constant('u32' as const),
      at,
      value: fc.oneof(fc.constantFrom(...U32_VALUES), fc.nat({ max: 0xffffffff })),
      bigEndian: fc.boolean(),
    }),
    fc.record({ kind: fc.constant('truncate' as const), at }),
    fc.record({
      kind: fc.constant('insert' as const),
      at,
      bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }),
    }),
    fc.record({ kind: fc.constant('delete' as const), at, length: fc.integer({ min: 1, max: 4096 }) }),
    fc.record({
      kind: fc.constant('fill' as const),
      at,
      length: fc.integer({ min: 1, max: 70_000 }),
      value: fc.constantFrom(0x00, 0xff, 0x41),
    }),
  );
}

/** Apply `mutations` in order; offsets wrap around the current length. */
export function applyMutations(base: Uint8Array, mutations: readonly Mutation[]): Buffer {
  let out = Buffer.from(base);
  for (const m of mutations) {
    if (out.length === 0) break;
    const at = m.at % out.length;
    switch (m.kind) {
      case 'flip':
        out[at] = out[at]! ^ m.mask;
        break;
      case 'u64':
        if (at + 8 <= out.length) out.writeBigUInt64LE(m.value, at);
        break;
      case 'u32':
        if (at + 4 <= out.length) {
          if (m.bigEndian) out.writeUInt32BE(m.value, at);
          else out.writeUInt32LE(m.value, at);
        }
        break;
      case 'truncate':
        out = out.subarray(0, at);
        break;
      case 'insert':
        out = Buffer.concat([out.subarray(0, at), m.bytes, out.subarray(at)]);
        break;
      case 'delete':
        out = Buffer.concat([out.subarray(0, at), out.subarray(at + m.length)]);
        break;
      case 'fill':
        out.fill(m.value, at, Math.min(out.length, at + m.length));
        break;
    }
  }
  return out;
}

/** A valid `base` with 1–4 mutations. */
export function mutated(base: Uint8Array, hotspots: readonly number[] = []): fc.Arbitrary<Buffer> {
  return fc.array(mutation(hotspots), { minLength: 1, maxLength: 4 }).map((ms) => applyMutations(base, ms));
}

/** How an input is split into pushes: chunk sizes used in turn. */
export const chunking = fc.array(fc.integer({ min: 1, max: 70_000 }), { minLength: 1, maxLength: 6 });

/** `bytes` split by `sizes` (cycled). */
export function chunks(bytes: Buffer, sizes: readonly number[]): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length]!;
    out.push(bytes.subarray(at, at + size));
    at += size;
  }
  return out;
}
