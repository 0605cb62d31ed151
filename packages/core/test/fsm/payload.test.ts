import { describe, expect, it } from 'vitest';
import { type PayloadDatabase, PayloadParser, type PayloadSink } from '../../src/fsm/payload.js';

/** Build a payload by the layout in canonical/dqlite:src/fsm.c (independent of the parser). */
function payload(
  databases: Array<{ name: string; main: Buffer; wal: Buffer }>,
  count = databases.length,
): Buffer {
  const parts: Buffer[] = [u64(1), u64(count)];
  for (const db of databases) {
    const name = Buffer.from(`${db.name}\0`);
    parts.push(
      Buffer.concat([name, Buffer.alloc((8 - (name.length % 8)) % 8)]),
      u64(db.main.length),
      u64(db.wal.length),
    );
    parts.push(db.main, db.wal);
  }
  return Buffer.concat(parts);
}

function u64(value: number | bigint): Buffer {
  const buf = Buffer.alloc(8);
  buf.writeBigUInt64LE(BigInt(value));
  return buf;
}

class Collect implements PayloadSink {
  files: Array<PayloadDatabase & { mainData: Buffer; walData: Buffer }> = [];
  startDatabase(db: PayloadDatabase) {
    this.files.push({ ...db, mainData: Buffer.alloc(0), walData: Buffer.alloc(0) });
  }
  main(chunk: Buffer) {
    const f = this.files.at(-1)!;
    f.mainData = Buffer.concat([f.mainData, chunk]);
  }
  wal(chunk: Buffer) {
    const f = this.files.at(-1)!;
    f.walData = Buffer.concat([f.walData, chunk]);
  }
  endDatabase() {}
}

function parse(bytes: Buffer, chunk = bytes.length || 1, knownTotal = true): Collect {
  const sink = new Collect();
  const parser = new PayloadParser(sink, knownTotal ? bytes.length : undefined);
  for (let offset = 0; offset < bytes.length; offset += chunk)
    parser.push(bytes.subarray(offset, offset + chunk));
  parser.end();
  return sink;
}

function errorCode(work: () => unknown): string {
  try {
    work();
    return 'no error';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

const k8s = { name: 'k8s', main: Buffer.alloc(8192, 0x4b), wal: Buffer.alloc(32 + 4120, 0x57) };
const demo = { name: 'a-longer-name', main: Buffer.alloc(4096, 0x44), wal: Buffer.alloc(0) };
const two = payload([k8s, demo]);

describe('PayloadParser', () => {
  it('streams every database with its name, sizes and bytes, in payload order', () => {
    const { files } = parse(two);
    expect(files.map((f) => [f.index, f.name, f.mainBytes, f.walBytes])).toEqual([
      [0, 'k8s', 8192, 4152],
      [1, 'a-longer-name', 4096, 0],
    ]);
    expect(files[0]!.mainData.equals(k8s.main)).toBe(true);
    expect(files[0]!.walData.equals(k8s.wal)).toBe(true);
    expect(files[1]!.mainData.equals(demo.main)).toBe(true);
    // "k8s\0" padded to 8 bytes: the main file starts at byte 40 (docs/formats.md §2.2).
    expect(files[0]!.offset).toBe(16);
  });

  it('gives the same result for any chunking, one byte at a time included', () => {
    for (const chunk of [1, 7, 40, 4096]) {
      expect(parse(two, chunk).files.map((f) => f.mainData.length + f.walData.length)).toEqual([
        8192 + 4152,
        4096,
      ]);
    }
  });

  it('rejects an unknown format and zero databases', () => {
    const badFormat = Buffer.from(two);
    badFormat[0] = 2;
    expect(errorCode(() => parse(badFormat))).toBe('DQA_FSM_BAD_FORMAT');
    expect(errorCode(() => parse(payload([], 0)))).toBe('DQA_FSM_NO_DATABASES');
  });

  it('rejects an absurd database count before reading on', () => {
    const absurd = Buffer.from(two);
    absurd.writeBigUInt64LE(1n << 40n, 8);
    expect(errorCode(() => parse(absurd))).toBe('DQA_FSM_TOO_MANY_DATABASES');
  });

  it('rejects a size field larger than the payload, without writing anything', () => {
    const huge = Buffer.from(two);
    huge.writeBigUInt64LE(1n << 50n, 24); // k8s main size
    const sink = new Collect();
    expect(errorCode(() => new PayloadParser(sink, huge.length).push(huge))).toBe('DQA_FSM_SIZE_TOO_LARGE');
    expect(sink.files).toEqual([]);
  });

  it('rejects a name without NUL terminator', () => {
    const noNul = Buffer.concat([u64(1), u64(1), Buffer.alloc(5000, 0x61)]);
    expect(errorCode(() => parse(noNul))).toBe('DQA_FSM_BAD_NAME');
    expect(errorCode(() => parse(noNul.subarray(0, 100)))).toBe('DQA_FSM_BAD_NAME');
  });

  it('rejects truncation at every structural boundary', () => {
    for (const cut of [0, 8, 15, 20, 24, 39, 40, 5000, two.length - 1]) {
      // Declared total unknown, as for an LZ4 frame without content size: the end decides.
      expect(errorCode(() => parse(two.subarray(0, cut), 64, false))).toBe('DQA_FSM_TRUNCATED');
    }
  });

  it('rejects a count that promises more databases than follow', () => {
    const promised = payload([k8s], 2);
    expect(errorCode(() => parse(promised, 1024, false))).toBe('DQA_FSM_TRUNCATED');
  });

  it('rejects bytes after the last database', () => {
    expect(errorCode(() => parse(Buffer.concat([two, Buffer.alloc(8)]), 1024, false))).toBe(
      'DQA_FSM_TRAILING_DATA',
    );
  });
});
