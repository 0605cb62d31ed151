// The fuzz targets: each parser of untrusted bytes, the valid inputs its mutations start from, and
// the invariants it must keep on any input. Shared by the property tests here (a few hundred cases
// in the default run) and by the long fuzz run (test/reliability/fuzz-long.test.ts, FUZZ_LONG=1).
// Valid inputs come from the reference tools (SQLite via better-sqlite3, the lz4 CLI), never from
// the code under test.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { ERROR_CODES, type ErrorCode } from '../../src/errors.js';
import { type PayloadDatabase, PayloadParser, type PayloadSink } from '../../src/fsm/payload.js';
import { WalScanner } from '../../src/fsm/wal.js';
import { createPrivateDir, livePrivateDirs } from '../../src/io/temp-dir.js';
import { raftCrc32 } from '../../src/raft/crc32.js';
import { Lz4FrameDecoder } from '../../src/raft/lz4-frame.js';
import { parseMeta } from '../../src/raft/meta.js';
import { detectInput } from '../../src/source/detect.js';
import { extractSnapshot } from '../../src/source/snapshot-file.js';
import { checkCase } from './guards.js';
import { chunking, chunks, mutated } from './mutate.js';

export interface FuzzTarget<T = unknown> {
  name: string;
  arbitrary: fc.Arbitrary<T>;
  /** Throws when the input breaks a property; returns the error code raised, if any. */
  check(input: T): Promise<ErrorCode | undefined>;
}

const codes = (...prefixes: string[]) =>
  (Object.keys(ERROR_CODES) as ErrorCode[]).filter((code) => prefixes.some((p) => code.startsWith(p)));

export const META_CODES = codes('DQA_RAFT_META_');
export const PAYLOAD_CODES = codes('DQA_FSM_');
export const LZ4_CODES = codes('DQA_LZ4_');
export const EXTRACT_CODES = codes(
  'DQA_INPUT_',
  'DQA_LZ4_',
  'DQA_FSM_',
  'DQA_SQLITE_NOT_DATABASE',
  'DQA_SQLITE_BAD_WAL',
);

const META_FIXTURE = new URL('../fixtures/raft/snapshot-1-1024-144759.meta', import.meta.url);

function u64(value: number | bigint): Buffer {
  const buf = Buffer.alloc(8);
  buf.writeBigUInt64LE(BigInt(value));
  return buf;
}

/** Valid inputs, made once per process under `dir`. */
export interface Bases {
  dir: string;
  meta: Buffer;
  wal: Buffer;
  walPageSize: number;
  payload: Buffer;
  payloadHotspots: number[];
  /** The payload as raft compresses it: 64 KiB linked blocks, content size and checksum. */
  frame: Buffer;
  /** The same without a content size, so the payload parser streams blind. */
  frameNoSize: Buffer;
  frameHotspots: number[];
}

export function makeBases(dir: string): Bases {
  mkdirSync(dir, { recursive: true });
  // A WAL-mode database with several transactions still in its WAL, and one without a WAL.
  const walDb = join(dir, 'wal.db');
  const db = new Database(walDb);
  db.pragma('page_size = 1024');
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0');
  db.exec('CREATE TABLE kine (id INTEGER PRIMARY KEY, name TEXT, value BLOB)');
  for (let i = 0; i < 6; i++)
    db.prepare('INSERT INTO kine (name, value) VALUES (?, randomblob(9000))').run(`/k/${i}`);
  const main = readFileSync(walDb);
  const wal = readFileSync(`${walDb}-wal`);
  db.close();
  const plainDb = join(dir, 'plain.db');
  const plain = new Database(plainDb);
  plain.exec('CREATE TABLE t (v BLOB)');
  plain.prepare('INSERT INTO t VALUES (randomblob(20000))').run();
  plain.close();
  const second = readFileSync(plainDb);

  const parts: Buffer[] = [u64(1), u64(2)];
  const hotspots = [8, 16];
  for (const [name, m, w] of [
    ['k8s', main, wal],
    ['demo', second, Buffer.alloc(0)],
  ] as const) {
    const at = parts.reduce((n, p) => n + p.length, 0);
    const field = Buffer.concat([Buffer.from(`${name}\0`), Buffer.alloc(8 - ((name.length + 1) % 8 || 8))]);
    hotspots.push(at, at + field.length, at + field.length + 8, at + field.length + 16);
    hotspots.push(at + field.length + 16 + m.length);
    parts.push(field, u64(m.length), u64(w.length), m, w);
  }
  const payload = Buffer.concat(parts);
  hotspots.push(payload.length);

  const lz4 = (flags: string[]) => {
    const input = join(dir, 'payload.bin');
    writeFileSync(input, payload);
    execFileSync('lz4', ['-q', '-f', '-B4', '-BD', ...flags, input, `${input}.lz4`]);
    return readFileSync(`${input}.lz4`);
  };
  const frame = lz4(['--content-size']);
  return {
    dir,
    meta: readFileSync(META_FIXTURE),
    wal,
    walPageSize: 1024,
    payload,
    payloadHotspots: hotspots,
    frame,
    frameNoSize: lz4([]),
    frameHotspots: lz4Hotspots(frame),
  };
}

/** Offsets of an LZ4 frame's header fields, block size fields, end mark and checksum. */
function lz4Hotspots(frame: Buffer): number[] {
  const spots = [4, 5, 14];
  for (let at = 15; at + 4 <= frame.length; ) {
    spots.push(at);
    const size = frame.readUInt32LE(at) & 0x7fffffff;
    if (size === 0) {
      spots.push(at + 4);
      break;
    }
    at += 4 + size;
  }
  return spots;
}

/** Counts what a PayloadParser hands on, keeping nothing. */
class CountingSink implements PayloadSink {
  bytes = 0;
  open = false;
  startDatabase(_database: PayloadDatabase): void {
    if (this.open) throw new Error('startDatabase before endDatabase');
    this.open = true;
  }
  main(chunk: Buffer): void {
    this.bytes += chunk.length;
  }
  wal(chunk: Buffer): void {
    this.bytes += chunk.length;
  }
  endDatabase(): void {
    this.open = false;
  }
}

/** Arbitrary bytes, or a mutation of one of the valid `bases`. */
function input(bases: readonly Buffer[], hotspots: readonly number[]): fc.Arbitrary<Buffer> {
  return fc.oneof(
    { arbitrary: fc.uint8Array({ maxLength: 2048 }).map((b) => Buffer.from(b)), weight: 1 },
    { arbitrary: fc.constantFrom(...bases).chain((base) => mutated(base, hotspots)), weight: 4 },
  );
}

/** Give a (mutated) .meta a matching CRC, so the configuration decoder behind it is reached. */
function withValidCrc(meta: Buffer): Buffer {
  if (meta.length < 32) return meta;
  const out = Buffer.from(meta);
  const length = Number(out.readBigUInt64LE(24) & 0xffffffn);
  out.writeUInt32LE(raftCrc32(out.subarray(32, 32 + length), raftCrc32(out.subarray(16, 32))), 8);
  return out;
}

export function metaTarget(bases: Bases): FuzzTarget<Buffer> {
  const hotspots = [0, 16, 24, 32, 33, 41, 50, bases.meta.length - 1];
  return {
    name: 'parseMeta',
    arbitrary: fc.oneof(
      input([bases.meta], hotspots),
      mutated(
        bases.meta,
        hotspots.filter((at) => at >= 24),
      ).map(withValidCrc),
    ),
    check: (bytes) =>
      checkCase(META_CODES, () => {
        const meta = parseMeta(bytes);
        if (meta.servers.length * 10 > bytes.length)
          throw new Error(`${meta.servers.length} servers from ${bytes.length} bytes`);
      }),
  };
}

export function payloadTarget(bases: Bases): FuzzTarget<[Buffer, number[], boolean]> {
  return {
    name: 'PayloadParser',
    arbitrary: fc.tuple(input([bases.payload], bases.payloadHotspots), chunking, fc.boolean()),
    check: ([bytes, sizes, knownTotal]) =>
      checkCase(PAYLOAD_CODES, () => {
        const sink = new CountingSink();
        const parser = new PayloadParser(sink, knownTotal ? bytes.length : undefined);
        for (const chunk of chunks(bytes, sizes)) parser.push(chunk);
        parser.end();
        if (sink.bytes > bytes.length) throw new Error(`sink got ${sink.bytes} bytes from ${bytes.length}`);
        for (const db of parser.databases) {
          if (db.mainBytes + db.walBytes > bytes.length)
            throw new Error(`database ${db.index} larger than the input`);
        }
      }),
  };
}

export function lz4Target(bases: Bases): FuzzTarget<[Buffer, number[]]> {
  return {
    name: 'Lz4FrameDecoder',
    arbitrary: fc.tuple(
      fc.oneof(
        { arbitrary: input([bases.frame, bases.frameNoSize], bases.frameHotspots), weight: 4 },
        {
          // Random bytes behind a valid magic, so the header parser is reached.
          arbitrary: fc
            .uint8Array({ maxLength: 4096 })
            .map((b) => Buffer.concat([bases.frame.subarray(0, 4), b])),
          weight: 1,
        },
      ),
      chunking,
    ),
    check: async ([bytes, sizes]) => {
      const decoder = new Lz4FrameDecoder('fuzz.lz4');
      return checkCase(LZ4_CODES, () => {
        let produced = 0;
        for (const chunk of chunks(bytes, sizes)) {
          for (const block of decoder.push(chunk)) produced += block.length;
          const declared = decoder.frameInfo?.contentBytes;
          if (declared !== undefined && produced > declared)
            throw new Error(`${produced} bytes past the declared ${declared}`);
        }
        decoder.end();
        const declared = decoder.frameInfo?.contentBytes;
        if (declared !== undefined && produced !== declared)
          throw new Error(`accepted ${produced} of ${declared} bytes`);
      });
    },
  };
}

export function walTarget(bases: Bases): FuzzTarget<[Buffer, number[]]> {
  const frameBytes = 24 + bases.walPageSize;
  const hotspots = [0, 4, 8, 12, 16, 24, 28, ...Array.from({ length: 8 }, (_, i) => 32 + i * frameBytes)];
  return {
    name: 'WalScanner',
    arbitrary: fc.tuple(input([bases.wal], hotspots), chunking),
    // The scanner reports problems as strings (documented) and must never throw.
    check: async ([bytes, sizes]) => {
      let problem: string | undefined;
      await checkCase([], () => {
        const scanner = new WalScanner();
        for (const chunk of chunks(bytes, sizes)) {
          problem = scanner.push(chunk);
          if (problem !== undefined) {
            if (typeof problem !== 'string' || problem.length === 0)
              throw new Error('push() returned a non-string');
            return;
          }
        }
        const summary = scanner.end(bytes.length);
        if (typeof summary === 'string') {
          problem = summary;
          return;
        }
        const { frames, validFrames, committedFrames, pageSize } = summary;
        if (!(committedFrames <= validFrames && validFrames <= frames)) {
          throw new Error(`frames ${frames} valid ${validFrames} committed ${committedFrames}`);
        }
        if (frames !== Math.floor((bytes.length - 32) / (24 + pageSize)))
          throw new Error(`frames ${frames} miscounted`);
      });
      // The code ExtractSink turns a returned problem into, for the run's tally.
      return problem === undefined ? undefined : 'DQA_SQLITE_BAD_WAL';
    },
  };
}

/** The file-level pipeline: detect the input, stream it into a private copy, release the copy. */
export function extractTarget(bases: Bases): FuzzTarget<Buffer> {
  const files = join(bases.dir, 'extract-input');
  const temp = join(bases.dir, 'extract-temp');
  mkdirSync(files, { recursive: true });
  mkdirSync(temp, { recursive: true });
  let serial = 0;
  return {
    name: 'detectInput + extractSnapshot',
    arbitrary: fc.oneof(
      input([bases.frame], bases.frameHotspots),
      input([bases.payload], bases.payloadHotspots),
    ),
    check: async (bytes) => {
      const path = join(files, `snapshot-1-2-${serial++}`);
      writeFileSync(path, bytes);
      let code: ErrorCode | undefined;
      try {
        code = await checkCase(EXTRACT_CODES, async () => {
          const detected = await detectInput(path);
          if (detected.kind !== 'snapshot') return;
          const dir = createPrivateDir(temp);
          try {
            await extractSnapshot(path, detected.compression ?? 'none', dir.path);
          } finally {
            dir.release();
          }
        });
      } finally {
        rmSync(path, { force: true });
      }
      const left = readdirSync(temp);
      if (left.length > 0 || livePrivateDirs().length > 0) throw new Error(`left behind: ${left.join(', ')}`);
      return code;
    },
  };
}

export function allTargets(bases: Bases): FuzzTarget<never>[] {
  return [
    metaTarget(bases),
    payloadTarget(bases),
    lz4Target(bases),
    walTarget(bases),
    extractTarget(bases),
  ] as FuzzTarget<never>[];
}
