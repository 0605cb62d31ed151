import { type FileHandle, open } from 'node:fs/promises';
import { AnalyzerError } from '../errors.js';
import { type ExtractedDatabase, ExtractSink } from '../fsm/extract.js';
import { PayloadParser } from '../fsm/payload.js';
import { ensureFreeSpace, spaceBudget } from '../io/temp-dir.js';
import { Lz4FrameDecoder } from '../raft/lz4-frame.js';
import type { Compression } from './detect.js';

/** Reported while a long step runs. */
export interface Progress {
  step: 'extract' | 'open' | 'pages' | 'btrees' | 'kine' | 'vacuum';
  /** Bytes (or units) done and expected; `total` is undefined when unknown. */
  done: number;
  total: number | undefined;
  /** The database the step works on (all steps but extract). */
  database?: string;
}

export type ProgressListener = (progress: Progress) => void;

/** The result of streaming one snapshot data file into the private directory. */
export interface ExtractedSnapshot {
  compression: Compression;
  bytesOnDisk: number;
  payloadBytes: number;
  databases: ExtractedDatabase[];
}

// Large reads keep the syscall count low; the file is never held whole. 2 MiB: as fast as 4 MiB
// at 377 MB (extract 0.57-0.62 s either way) with 5-10 MB less peak RSS; 1 MiB was ~0.09 s slower.
const READ_CHUNK_BYTES = 2 << 20;
// Each extra LZ4 match-length byte adds at most 255 bytes of output.
const MAX_LZ4_EXPANSION = 256;

/**
 * Stream a snapshot data file (raw or one LZ4 frame) through the payload parser into `dir`.
 * Three things overlap, on the two threads a small machine has: the next chunk is read and the
 * finished bytes are written on libuv's threadpool while this thread decodes. Reads go into two
 * buffers used in turn and the decoder reuses its own output buffer, so memory stays at a few
 * MiB and no garbage grows with the file.
 */
export async function extractSnapshot(
  path: string,
  compression: Compression,
  dir: string,
  onProgress?: ProgressListener,
): Promise<ExtractedSnapshot> {
  const handle = await open(path, 'r');
  const sink = new ExtractSink(dir, path);
  let reading: Promise<Buffer> | undefined;
  try {
    const { size } = await handle.stat();
    const decoder = compression === 'lz4' ? new Lz4FrameDecoder(path) : undefined;
    let parser: PayloadParser | undefined;
    const feed = (payloadChunk: Buffer) => {
      if (!parser) {
        const total = decoder ? decoder.frameInfo?.contentBytes : size;
        // A damaged header may claim any size; LZ4 never expands a file more than 256 times, so
        // that bounds what can be written, and a lie ends as DQA_LZ4_* instead of "disk full".
        ensureFreeSpace(dir, Math.min(total ?? size, decoder ? MAX_LZ4_EXPANSION * size : size));
        // Without a content size only the compressed size was checked: bound the copy as it streams.
        if (total === undefined) sink.limitTo(spaceBudget(dir));
        parser = new PayloadParser(sink, total, path);
      }
      parser.push(payloadChunk);
    };
    const writes = decoder ? new WriteFence(sink, decoder) : undefined;
    const buffers = [Buffer.allocUnsafe(READ_CHUNK_BYTES), Buffer.allocUnsafe(READ_CHUNK_BYTES)];
    let turn = 0;
    let position = 0;
    reading = readChunk(handle, buffers[turn]!, position);
    for (;;) {
      const chunk = await reading;
      if (chunk.length === 0) break;
      position += chunk.length;
      // Read ahead into the other buffer: its chunk was finished in the previous turn.
      turn ^= 1;
      reading = readChunk(handle, buffers[turn]!, position);
      if (decoder && writes) {
        decoder.write(chunk);
        for (;;) {
          if (writes.due()) await writes.step();
          const block = decoder.nextView();
          if (block === undefined) break;
          feed(block);
        }
      } else {
        feed(chunk);
        await sink.flush(); // the sink holds views of this buffer; the next read-ahead reuses it
      }
      onProgress?.({ step: 'extract', done: position, total: size });
    }
    decoder?.end();
    if (!parser) {
      throw new AnalyzerError('DQA_FSM_TRUNCATED', `${path}: the snapshot holds no payload bytes`, {
        path,
        offset: 0,
      });
    }
    parser.end();
    await sink.close();
    return {
      compression,
      bytesOnDisk: size,
      payloadBytes: decoder ? decoder.produced : size,
      databases: sink.databases,
    };
  } finally {
    // Every write done and every file closed before the caller removes the directory.
    await sink.close().catch(() => undefined); // on success it has closed already
    await reading?.catch(() => undefined); // a read ahead may still be in flight
    await handle.close();
  }
}

/**
 * Keeps the sink's background writes from falling behind the decoder: blocks from nextView() are
 * overwritten once viewBytes more bytes of output follow them. Every `step` bytes, wait for the
 * writes started one step before (long done, as a rule) and start all that is queued: a block
 * handed to the sink is then written before 2 steps + 1 block of output have followed it. Frames
 * of 1 MiB blocks and more (raft writes 64 KiB) leave no room for that: each block is written
 * before the next is decoded.
 */
class WriteFence {
  private started: Promise<void> = Promise.resolve();
  private next = 0;

  constructor(
    private readonly sink: ExtractSink,
    private readonly decoder: Lz4FrameDecoder,
  ) {}

  /** Whether step() must run before the decoder may decode another block. */
  due(): boolean {
    return this.decoder.produced >= this.next;
  }

  async step(): Promise<void> {
    const step = (this.decoder.viewBytes - (this.decoder.frameInfo?.blockMaxBytes ?? 0)) / 2;
    await this.started;
    this.started = this.sink.flush();
    this.started.catch(() => undefined); // awaited at the next step, or by close() after an error
    if (step > 0) {
      this.next = this.decoder.produced + step;
    } else {
      await this.started;
      this.next = this.decoder.produced; // due again before the next block
    }
  }
}

async function readChunk(handle: FileHandle, buffer: Buffer, position: number): Promise<Buffer> {
  const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
  return buffer.subarray(0, bytesRead);
}
