/**
 * A FIFO of byte chunks for push parsers: structures that fall inside one chunk are returned
 * as views (no copy); only a structure split across chunks is copied. Views stay valid only as
 * long as the chunk is not reused; compact() lets go of every chunk pushed so far.
 */
export class ByteQueue {
  private chunks: Buffer[] = [];
  private head = 0; // offset into chunks[0]
  /** Bytes waiting in the queue. */
  length = 0;

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /** Take exactly `n` bytes (n ≤ length) as one contiguous buffer. */
  take(n: number): Buffer {
    const first = this.chunks[0];
    if (first && first.length - this.head >= n) {
      const view = first.subarray(this.head, this.head + n);
      this.advance(n);
      return view;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const piece = this.takeUpTo(n - filled);
      piece.copy(out, filled);
      filled += piece.length;
    }
    return out;
  }

  /** Copy of the first `n` bytes (n ≤ length), left in the queue. */
  peek(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    for (let i = 0; i < this.chunks.length && filled < n; i++) {
      const start = i === 0 ? this.head : 0;
      filled += this.chunks[i]!.copy(
        out,
        filled,
        start,
        Math.min(this.chunks[i]!.length, start + n - filled),
      );
    }
    return out;
  }

  /** Take at most `n` bytes, never copying: a view of (part of) the first chunk. */
  takeUpTo(n: number): Buffer {
    const first = this.chunks[0];
    if (!first) return Buffer.alloc(0);
    const count = Math.min(n, first.length - this.head);
    const view = first.subarray(this.head, this.head + count);
    this.advance(count);
    return view;
  }

  /** Index of `byte` counted from the queue's start, or -1; looks at most `limit` bytes. */
  indexOf(byte: number, limit: number): number {
    let base = 0;
    for (let i = 0; i < this.chunks.length && base < limit; i++) {
      const chunk = this.chunks[i]!;
      const start = i === 0 ? this.head : 0;
      const found = chunk.indexOf(byte, start);
      if (found >= 0) {
        const at = base + found - start;
        return at < limit ? at : -1;
      }
      base += chunk.length - start;
    }
    return -1;
  }

  /**
   * Copy what is left into a buffer of the queue's own, so it keeps no view of the chunks it was
   * given: the caller may then reuse them (a reader's buffers). A push parser calls this when it
   * stops for more input; what is left then is one partial structure, at most a block.
   */
  compact(): void {
    if (this.chunks.length === 0) return;
    const rest = Buffer.allocUnsafe(this.length);
    let filled = 0;
    for (let i = 0; i < this.chunks.length; i++) {
      filled += this.chunks[i]!.copy(rest, filled, i === 0 ? this.head : 0);
    }
    this.chunks = rest.length > 0 ? [rest] : [];
    this.head = 0;
  }

  private advance(n: number): void {
    this.head += n;
    this.length -= n;
    while (this.chunks.length > 0 && this.head >= this.chunks[0]!.length) {
      this.head -= this.chunks[0]!.length;
      this.chunks.shift();
    }
  }
}
