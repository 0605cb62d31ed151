import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Lz4FrameDecoder } from '../../src/raft/lz4-frame.js';

// Frames come from the reference `lz4` CLI, never from our own code.
const dir = mkdtempSync(join(tmpdir(), 'dqa-lz4-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Data that compresses and references far back: repeated pages with small edits, like SQLite files. */
function sampleData(bytes: number, seed = 7): Buffer {
  const out = Buffer.alloc(bytes);
  let state = seed;
  const page = Buffer.alloc(4096);
  for (let i = 0; i < page.length; i++) {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    page[i] = state % 7 === 0 ? state & 0xff : 0x20 + (i % 50);
  }
  for (let offset = 0; offset < bytes; offset += page.length) {
    page.copy(out, offset);
    out.writeUInt32BE(offset, offset % (bytes - 4));
  }
  return out;
}

/** Compress with the lz4 CLI; `flags` picks block mode and checksums. */
function lz4(data: Buffer, flags: string[]): Buffer {
  const input = join(dir, `in-${flags.join('')}`);
  const output = `${input}.lz4`;
  writeFileSync(input, data);
  execFileSync('lz4', ['-q', '-f', ...flags, input, output]);
  return readFileSync(output);
}

async function decode(frame: Buffer, chunkBytes = 1 << 20): Promise<Buffer> {
  const decoder = new Lz4FrameDecoder('test.lz4');
  const out: Buffer[] = [];
  for (let offset = 0; offset < frame.length; offset += chunkBytes) {
    out.push(...decoder.push(frame.subarray(offset, offset + chunkBytes)));
  }
  decoder.end();
  return Buffer.concat(out);
}

async function decodeError(frame: Buffer): Promise<string> {
  try {
    await decode(frame);
    return 'no error';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

const data = sampleData(1_000_000);
// raft's settings: 64 KiB linked blocks, content size, content checksum (canonical/raft:src/compress.c).
const raftLike = lz4(data, ['-B4', '-BD', '--content-size']);

describe('Lz4FrameDecoder', () => {
  it('decodes linked 64 KiB blocks with content size and checksum, as raft writes them', async () => {
    expect(raftLike[4]! & 0x20).toBe(0); // the frame really uses linked blocks
    expect((await decode(raftLike)).equals(data)).toBe(true);
  });

  it('gives the same bytes whatever the input chunking, down to one byte at a time', async () => {
    const small = sampleData(200_000, 3);
    const frame = lz4(small, ['-B4', '-BD', '--content-size']);
    expect((await decode(frame, 1)).equals(small)).toBe(true);
    expect((await decode(frame, 4099)).equals(small)).toBe(true);
  });

  it('decodes every kind of match the CLI writes: periods of 1 to 24 bytes, short and long, fast and -12', async () => {
    // Repeats of a short period make matches that overlap their own output, which the decoder
    // copies 8 bytes at a time from a period of 8 and byte by byte below; random runs between them
    // make literals of every length.
    const parts: Buffer[] = [];
    let state = 5;
    const next = () => {
      state = (state * 1103515245 + 12345) & 0x7fffffff;
      return state;
    };
    for (let i = 0; i < 4000; i++) {
      const period = 1 + (next() % 24);
      const unit = Buffer.from(Array.from({ length: period }, () => next() & 0xff));
      const times = 1 + (next() % 40);
      parts.push(Buffer.concat(Array.from({ length: times }, () => unit)));
      parts.push(Buffer.from(Array.from({ length: next() % 40 }, () => next() & 0xff)));
    }
    const mixed = Buffer.concat(parts);
    for (const level of ['-1', '-9', '-12', '--fast=5']) {
      const frame = lz4(mixed, [level, '-B4', '-BD', '--content-size']);
      expect((await decode(frame)).equals(mixed), level).toBe(true);
    }
  });

  it('decodes independent blocks, block checksums and large block sizes', async () => {
    expect((await decode(lz4(data, ['-B4', '-BI']))).equals(data)).toBe(true);
    expect((await decode(lz4(data, ['-B7', '-BD', '-BX']))).equals(data)).toBe(true);
    expect((await decode(lz4(Buffer.alloc(0), ['-B4']))).length).toBe(0);
  });

  it('decodes frames many times larger than its output buffer, whatever the block size', async () => {
    // The decoder reuses one output buffer of a few MiB: these frames go round it several times.
    const large = sampleData(13_000_000, 11);
    for (const flags of [
      ['-B4', '-BD'],
      ['-B5', '-BD'],
      ['-B6', '-BD'],
      ['-B7', '-BD'],
      ['-B4', '-BI'],
    ]) {
      expect((await decode(lz4(large, [...flags, '--content-size']))).equals(large), flags.join(' ')).toBe(
        true,
      );
    }
  });

  it('nextView() hands out views that stay intact for viewBytes more bytes', async () => {
    const large = sampleData(13_000_000, 5);
    for (const flags of [
      ['-B4', '-BD'],
      ['-B5', '-BD'],
      ['-B7', '-BD'],
    ]) {
      const decoder = new Lz4FrameDecoder();
      decoder.write(lz4(large, [...flags, '--content-size']));
      const held: Array<{ view: Buffer; at: number; end: number }> = [];
      for (let view = decoder.nextView(); view !== undefined; view = decoder.nextView()) {
        const end = decoder.produced;
        held.push({ view, at: end - view.length, end });
        // Every view still held must be as decoded, until viewBytes more bytes followed it.
        while (held.length > 0 && end - held[0]!.end > decoder.viewBytes) held.shift();
        for (const h of held) expect(h.view.equals(large.subarray(h.at, h.at + h.view.length))).toBe(true);
      }
      decoder.end();
      expect(decoder.produced).toBe(large.length);
    }
  });

  // The output ring is the decoder's fixed WebAssembly memory (8.2 MiB, raft/lz4-block.ts), which no
  // frame grows; Buffers are only what the input queue joins, one block at most.
  it('allocates no Buffer over 4 MiB + 64 KiB, and leaves raft-sized blocks ~60 blocks of time', async () => {
    const decoder = new Lz4FrameDecoder();
    decoder.push(raftLike.subarray(0, 64));
    expect(decoder.viewBytes).toBe((4 << 20) - 3 * 65536);
    const { largestAllocation } = await import('../fuzz/guards.js');
    const large = lz4(sampleData(9_000_000, 2), ['-B7', '-BD', '--content-size']);
    const largest = await largestAllocation(async () => {
      const big = new Lz4FrameDecoder();
      big.write(large);
      while (big.nextView() !== undefined) {
        // decoded in place
      }
      big.end();
    });
    expect(largest).toBeLessThanOrEqual((4 << 20) + (64 << 10));
  });

  it('reports the declared content size', async () => {
    const decoder = new Lz4FrameDecoder();
    decoder.push(raftLike.subarray(0, 64));
    expect(decoder.frameInfo).toMatchObject({
      contentBytes: data.length,
      linkedBlocks: true,
      blockMaxBytes: 65536,
    });
  });

  it('rejects a wrong magic, a bad header checksum and reserved bits', async () => {
    const badMagic = Buffer.from(raftLike);
    badMagic[0] = 0x05;
    expect(await decodeError(badMagic)).toBe('DQA_LZ4_BAD_HEADER');
    const badHeader = Buffer.from(raftLike);
    badHeader[14] = (badHeader[14] ?? 0) ^ 0xff; // the header checksum byte after the 8-byte content size
    expect(await decodeError(badHeader)).toBe('DQA_LZ4_BAD_HEADER');
  });

  it('rejects truncation anywhere: header, block, end mark, checksum', async () => {
    for (const cut of [5, 10, 100, raftLike.length / 2, raftLike.length - 6, raftLike.length - 1]) {
      expect(await decodeError(raftLike.subarray(0, Math.floor(cut)))).toBe('DQA_LZ4_TRUNCATED');
    }
  });

  it('rejects a flipped byte inside compressed data (corrupt block or checksum mismatch)', async () => {
    const damaged = Buffer.from(raftLike);
    damaged[Math.floor(raftLike.length / 2)] = (damaged[Math.floor(raftLike.length / 2)] ?? 0) ^ 0x5a;
    expect(['DQA_LZ4_CORRUPT', 'DQA_LZ4_CHECKSUM', 'DQA_LZ4_SIZE_MISMATCH']).toContain(
      await decodeError(damaged),
    );
  });

  it('rejects a wrong content checksum', async () => {
    const damaged = Buffer.from(raftLike);
    damaged[damaged.length - 1] = (damaged[damaged.length - 1] ?? 0) ^ 0x01;
    expect(await decodeError(damaged)).toBe('DQA_LZ4_CHECKSUM');
  });

  it('rejects a declared content size that differs from the content', async () => {
    const frame = Buffer.from(lz4(data, ['-B4', '-BD', '--content-size', '--no-frame-crc']));
    frame.writeBigUInt64LE(BigInt(data.length + 1), 6);
    // Fix the header checksum so only the size is wrong.
    const { default: xxhash } = await import('xxhash-wasm');
    const { h32Raw } = await xxhash();
    frame[14] = (h32Raw(frame.subarray(4, 14), 0) >>> 8) & 0xff;
    expect(await decodeError(frame)).toBe('DQA_LZ4_SIZE_MISMATCH');
  });

  it('rejects bytes after the frame', async () => {
    expect(await decodeError(Buffer.concat([raftLike, Buffer.from([1, 2, 3])]))).toBe('DQA_LZ4_BAD_HEADER');
  });
});
