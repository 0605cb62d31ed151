/**
 * Decode one LZ4 block (lz4 block format 1.6.x: sequences of a token, literals, a 16-bit
 * back-reference offset and a match length) from `src[start, end)` into `out` at `at`.
 *
 * Matches may reach back to `low`: the caller keeps the previous 64 KiB of output in front of
 * `at` for linked blocks, so no dictionary is copied per block. Nothing is written at or past
 * `limit`. Returns the number of bytes decoded, or -1 when the block is malformed (a run past the
 * end of the input or the output, an offset of 0 or before `low`, a block ending in a match).
 *
 * Plain JavaScript: in a fresh process it beats a native binding that allocates its output per
 * block (page faults are costly on virtual machines), and copies of 17+ bytes go through
 * copyWithin/set, which are memmove underneath.
 */
export function decodeLz4Block(
  src: Uint8Array,
  start: number,
  end: number,
  out: Uint8Array,
  at: number,
  limit: number,
  low: number,
): number {
  let sp = start;
  let op = at;
  for (;;) {
    if (sp >= end) return -1; // a block ends with literals, never after a match
    const token = src[sp++]!;
    let literals = token >>> 4;
    if (literals === 15) {
      let more: number;
      do {
        if (sp >= end) return -1;
        more = src[sp++]!;
        literals += more;
      } while (more === 255);
    }
    if (literals > end - sp || literals > limit - op) return -1;
    if (literals > 16) {
      out.set(src.subarray(sp, sp + literals), op);
    } else {
      for (let i = 0; i < literals; i++) out[op + i] = src[sp + i]!;
    }
    op += literals;
    sp += literals;
    if (sp === end) return op - at; // the last sequence has no match

    if (end - sp < 2) return -1;
    const offset = src[sp]! | (src[sp + 1]! << 8);
    sp += 2;
    let length = token & 15;
    if (length === 15) {
      let more: number;
      do {
        if (sp >= end) return -1;
        more = src[sp++]!;
        length += more;
      } while (more === 255);
    }
    length += 4;
    const from = op - offset;
    if (offset === 0 || from < low || length > limit - op) return -1;
    if (length <= 16) {
      // Byte by byte, which also repeats a pattern shorter than the match (offset < length).
      for (let i = 0; i < length; i++) out[op + i] = out[from + i]!;
    } else if (offset >= length) {
      out.copyWithin(op, from, from + length);
    } else if (offset === 1) {
      out.fill(out[from]!, op, op + length); // a run of one byte: zeros in SQLite pages
    } else {
      // An overlapping match repeats the last `offset` bytes: copy the period, then double it.
      let done = 0;
      while (done < length) {
        const n = Math.min(offset + done, length - done);
        out.copyWithin(op + done, from, from + n);
        done += n;
      }
    }
    op += length;
  }
}
