import { close, closeSync, writev, writevSync } from 'node:fs';
import { AnalyzerError, isOpenFileLimit, openFileLimitError } from '../errors.js';

// Writes normally start at flush(); this only bounds what waits for it. Few, large writes: handing
// one to the threadpool costs 0.05-0.2 ms of this thread's time on a 2-CPU VM.
const BATCH_BYTES = 4 << 20;
// Linux's IOV_MAX: one writev never takes more buffers.
const BATCH_BUFFERS = 1024;

/**
 * Writes one file from front to back on libuv's threadpool, so the caller goes on decoding while
 * the kernel copies. write() only queues the chunk: it must stay untouched until flush()'s
 * promise has settled. Errors surface from flush() and close(), never as unhandled rejections.
 */
export class FileWriter {
  private queued: Buffer[] = [];
  private queuedBytes = 0;
  private position = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private failure: unknown;
  private closing: Promise<void> | undefined;

  constructor(private readonly fd: number) {}

  /** Queue `chunk` to follow what was written before; starts a write once a batch is full. */
  write(chunk: Buffer): void {
    if (chunk.length === 0) return;
    const last = this.queued.at(-1);
    if (last && last.buffer === chunk.buffer && last.byteOffset + last.length === chunk.byteOffset) {
      // The next bytes of the same memory (a decoder's output, a read buffer): one view for both,
      // so a frame of tiny blocks cannot queue millions of them.
      this.queued[this.queued.length - 1] = Buffer.from(
        last.buffer,
        last.byteOffset,
        last.length + chunk.length,
      );
    } else {
      this.queued.push(chunk);
    }
    this.queuedBytes += chunk.length;
    if (this.queuedBytes >= BATCH_BYTES || this.queued.length >= BATCH_BUFFERS) this.start();
  }

  /** Start writing everything queued; resolves once all of it, and everything before, is written. */
  async flush(): Promise<void> {
    this.start();
    await Promise.all(this.inFlight);
    if (this.failure !== undefined) throw tempWriteError(this.failure);
  }

  /** Flush, then close the file, also after a failed write; throws what flush() throws. Once. */
  close(): Promise<void> {
    this.closing ??= this.flush().finally(async () => {
      // flush() waited for every write, also after a failure: none runs on a closed descriptor.
      await new Promise<void>((resolve) => close(this.fd, () => resolve()));
    });
    return this.closing;
  }

  /**
   * Write what is queued and close the file now, on this thread, when that is a small write and no
   * write is in flight; false (and nothing done) otherwise. Throws what a failed write throws
   * (the file is closed then too). A payload of thousands of tiny databases would otherwise hold
   * thousands of files open, each waiting for its async close.
   */
  closeNow(): boolean {
    if (this.closing || this.inFlight.size > 0 || this.queuedBytes > CLOSE_NOW_BYTES) return false;
    const buffers = this.queued;
    this.queued = [];
    this.queuedBytes = 0;
    this.closing = Promise.resolve();
    try {
      if (this.failure === undefined) writeAllSync(this.fd, buffers, this.position);
    } catch (error) {
      this.failure = error;
    } finally {
      closeSync(this.fd);
    }
    if (this.failure !== undefined) throw tempWriteError(this.failure);
    return true;
  }

  private start(): void {
    if (this.queuedBytes === 0) return;
    const buffers = this.queued;
    const position = this.position;
    this.position += this.queuedBytes;
    this.queued = [];
    this.queuedBytes = 0;
    if (this.failure !== undefined) return; // the file is lost already: write no more
    const done: Promise<void> = writeAll(this.fd, buffers, position).then(
      () => {
        this.inFlight.delete(done);
      },
      (error: unknown) => {
        this.failure ??= error;
        this.inFlight.delete(done);
      },
    );
    this.inFlight.add(done);
  }
}

// closeNow() writes at most this much on the calling thread (a few hundred microseconds).
const CLOSE_NOW_BYTES = 256 << 10;

function writeAllSync(fd: number, buffers: Buffer[], position: number): void {
  let rest = buffers;
  let at = position;
  while (rest.length > 0) {
    const wanted = rest.reduce((sum, buffer) => sum + buffer.length, 0);
    if (wanted === 0) return;
    const written = writevSync(fd, rest, at);
    if (written >= wanted) return;
    if (written <= 0) throw new Error(`no progress writing ${wanted} bytes at ${at}`);
    at += written;
    rest = skip(rest, written);
  }
}

/** pwritev until every byte is written: the kernel may write less than asked (then ENOSPC). */
async function writeAll(fd: number, buffers: Buffer[], position: number): Promise<void> {
  let rest = buffers;
  let at = position;
  for (;;) {
    const wanted = rest.reduce((sum, buffer) => sum + buffer.length, 0);
    const written = await new Promise<number>((resolve, reject) =>
      writev(fd, rest, at, (error, bytes) => (error ? reject(error) : resolve(bytes))),
    );
    if (written >= wanted) return;
    if (written <= 0) throw new Error(`no progress writing ${wanted} bytes at ${at}`);
    at += written;
    rest = skip(rest, written);
  }
}

/** The buffers after their first `n` bytes. */
function skip(buffers: Buffer[], n: number): Buffer[] {
  let left = n;
  let i = 0;
  while (left >= buffers[i]!.length) left -= buffers[i++]!.length;
  return [buffers[i]!.subarray(left), ...buffers.slice(i + 1)];
}

/** A failed create or write of a private file, typed: the temp dir's fault, never the input's. */
export function tempWriteError(cause: unknown): unknown {
  const code = (cause as NodeJS.ErrnoException).code;
  // ENOSPC is also what a filesystem out of inodes answers to a new file.
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new AnalyzerError('DQA_TEMP_NO_SPACE', 'the disk holding the private copy is full', {}, { cause });
  }
  if (isOpenFileLimit(cause)) return openFileLimitError('cannot open a file for the private copy', cause);
  // Any other failure (EIO, EFBIG, EACCES, ...) is the temp dir's too: a typed error, naming the errno.
  if (code)
    return new AnalyzerError('DQA_TEMP_FAILED', `cannot write the private copy (${code})`, {}, { cause });
  return cause;
}
