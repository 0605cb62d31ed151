// The hostile-input corpus: damaged inputs derived from one real dqlite snapshot (source.ts), each
// with the outcome the analyzer must produce — a typed error code, or an analysis carrying the
// stated markers (and `partial: true` when part of the input could not be read).
//
// Cases are static (so the test can name them); their files are built into a temp dir by
// generateCorpus(), never committed. A case may build several inputs sharing one expectation
// (e.g. "truncated at every block boundary"). docs/security.md's "Hostile input" table is
// rendered from this list (renderTable) and kept in step by test/reliability/corpus.test.ts.
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, open, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Analysis, ErrorCode } from '@dqlite-analyzer/core';
import { writeHostileNames } from '@dqlite-analyzer/test-support/hostile-names';
import { extractWithCli, sqlite } from '@dqlite-analyzer/test-support/independent';
import { KineHistory } from '@dqlite-analyzer/test-support/kine';
import { pastedCommands, pasteProblems } from '@dqlite-analyzer/test-support/paste';
import {
  buildPayload,
  fixLz4HeaderChecksum,
  fixMetaCrc,
  type Lz4Layout,
  lz4Layout,
  type PayloadDb,
  type PayloadEntry,
  payloadDatabases,
  payloadLayout,
  resignWal,
  WAL_HEADER_BYTES,
  walFrames,
  walPageSize,
} from './formats.js';
import { SECRET_MARKER, type SourceSnapshot } from './source.js';

const run = promisify(execFile);

export type Group =
  | 'path'
  | 'data directory'
  | 'raft .meta'
  | 'LZ4 frame'
  | 'dqlite payload'
  | 'SQLite WAL'
  | 'SQLite database'
  | 'kine content';

/** Something the analysis must show; `says` is what the docs table prints. */
export interface Marker {
  says: string;
  holds(analysis: Analysis, context: CorpusContext): boolean;
}

export type Expectation =
  | {
      /** The typed error every input of the case must raise. */
      error: ErrorCode;
      /** Other codes accepted where the damage lands in bytes that differ from run to run. */
      orError?: readonly ErrorCode[];
      /** The outcome in words for the docs table, when the list of codes says it badly. */
      says?: string;
      /** What the message must say: which of several checks giving the code fired. */
      message?: RegExp;
    }
  | { partial: boolean; markers: readonly Marker[]; requireKine?: false };

export interface CaseInput {
  /** The path handed to analyze() / the CLI. */
  path: string;
  /** Which variant (e.g. "block 3, mid-data"); shown in failures. */
  label: string;
}

export interface CorpusCase {
  id: string;
  group: Group;
  /** The damage, in plain words (the docs table's first column). */
  damage: string;
  expect: Expectation;
  /** A size field far larger than the file: the run must not allocate it. */
  hugeSize?: boolean;
  /**
   * The temp dir is a tmpfs of this many bytes, mounted for the case (needs root: the case is
   * skipped, saying why, where mounting is refused).
   */
  tempFsBytes?: number;
  /**
   * The outcome is the one the analyzer should give but does not yet: the test expects it to fail
   * (so it flips when fixed), or skips it when it would hang the test process.
   */
  knownIssue?: { note: string; hangs: boolean };
  /** Build the input(s) under `dir` (an empty directory of its own). */
  build(context: CorpusContext, dir: string): Promise<CaseInput[]>;
}

/** What the cases are derived from, decoded once by independent tools. */
export interface CorpusContext {
  source: SourceSnapshot;
  frame: Lz4Layout;
  entries: PayloadEntry[];
  databases: PayloadDb[];
  /** kine rows as the sqlite3 CLI counts them in the source. */
  kineRows: number;
  /** The k8s database with its WAL checkpointed in by sqlite3 (dqlite ≥ 1.17 layout). */
  mergedK8s: Buffer;
  pageSize: number;
  /** Page numbers (1-based) in mergedK8s, from sqlite3's dbstat. */
  pages: { kineRoot: number; kineLeaf: number; indexRoot: number };
  /** Compress with the lz4 CLI as raft does (64 KiB linked blocks, content checksum). */
  lz4(payload: Buffer, options?: { contentSize?: boolean }): Promise<Buffer>;
  /** Whether the lz4 CLI refuses `frame` or decodes it to bytes other than the source payload. */
  damages(frame: Buffer): Promise<boolean>;
}

// ---------------------------------------------------------------- helpers for the cases

/** Write `data` (and `meta`, unless null) as snapshot files named like the source; returns the data path. */
async function pair(
  context: CorpusContext,
  dir: string,
  data: Buffer,
  meta?: Buffer | null,
): Promise<string> {
  const path = join(dir, context.source.name);
  await writeFile(path, data);
  if (meta !== null) await writeFile(`${path}.meta`, meta ?? context.source.meta);
  return path;
}

/** One input per `variants` entry, each in its own sub-directory. */
async function each<T>(
  dir: string,
  variants: readonly T[],
  label: (variant: T) => string,
  make: (variant: T, dir: string) => Promise<string>,
): Promise<CaseInput[]> {
  const out: CaseInput[] = [];
  for (const [i, variant] of variants.entries()) {
    const sub = join(dir, String(i));
    await mkdir(sub);
    out.push({ path: await make(variant, sub), label: label(variant) });
  }
  return out;
}

function flip(bytes: Buffer, at: number, mask = 0xff): Buffer {
  const out = Buffer.from(bytes);
  out[at] = (out[at] ?? 0) ^ mask;
  return out;
}

function k8sIndex(context: CorpusContext): number {
  return context.databases.findIndex((db) => db.name === 'k8s');
}

function padIndex(context: CorpusContext): number {
  return context.databases.findIndex((db) => db.name === 'pad');
}

/** The source databases with database `index` replaced by `change(db)`. */
function withDatabase(
  context: CorpusContext,
  index: number,
  change: (db: PayloadDb) => PayloadDb,
): PayloadDb[] {
  return context.databases.map((db, i) => (i === index ? change(db) : db));
}

/** The k8s database checkpointed (no WAL), with `damage` applied to its main file. */
function mergedK8sWith(context: CorpusContext, damage: (main: Buffer) => Buffer): PayloadDb[] {
  return withDatabase(context, k8sIndex(context), (db) => ({
    name: db.name,
    main: damage(Buffer.from(context.mergedK8s)),
    wal: Buffer.alloc(0),
  }));
}

function pageAt(context: CorpusContext, page: number): number {
  return (page - 1) * context.pageSize;
}

/** A deterministic stream of bytes (xorshift), for "random" garbage that is the same every run. */
function garbage(bytes: number, seed = 0x9e3779b9): Buffer {
  const out = Buffer.alloc(bytes);
  let x = seed >>> 0;
  for (let i = 0; i < bytes; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

async function fifo(path: string): Promise<void> {
  await run('mkfifo', [path]);
}

// ---------------------------------------------------------------- markers

/** Databases of the payload-many-databases case (more than `ulimit -n` 1024 allowed open before). */
export const MANY_DATABASES = 1500;

const kineIntact: Marker = {
  says: 'all kine rows',
  holds: (a, c) => a.kine?.rows === c.kineRows,
};
// Longer than the analyzer's 1.5 MiB read limit, and than any object the API server writes.
const OVERSIZED = 20_000_000;
const oversizedCounted: Marker = {
  says: 'values over 1.5 MiB counted (`too-large`, `oversized`), not read',
  holds: (a) =>
    a.decoding.find((d) => d.prefix === 'leases')?.reasons['too-large'] === 1 &&
    a.decoding.find((d) => d.prefix === 'crd.projectcalico.org/ipamblocks')?.reasons['too-large'] === 1 &&
    a.prefixes.find((p) => p.prefix === 'configmaps')?.values.oversized === 1,
};
const notPartial: Marker = { says: 'not partial', holds: (a) => !a.partial && a.warnings.length === 0 };
const partialWal = (database: string): Marker => ({
  says: `${database} walCommittedFrames < walFrames`,
  holds: (a) => {
    const db = a.databases.find((d) => d.name === database);
    return a.partial && db !== undefined && db.walCommittedFrames < db.walFrames;
  },
});
const walWarning = (database: string): Marker => ({
  says: `a warning names ${database}'s torn WAL`,
  holds: (a) => a.warnings.some((w) => w.includes(`"${database}"`) && w.includes('WAL frames')),
});

// ---------------------------------------------------------------- the cases

// Decompressed bytes reach the payload parser before the frame's checksum is read at its end.
const STREAMED_DAMAGE =
  'a `DQA_LZ4_*` error, mostly `DQA_LZ4_CHECKSUM` or `DQA_LZ4_CORRUPT`; a `DQA_FSM_*` or `DQA_SQLITE_*` one ' +
  'when the damaged bytes reach a payload field before the checksum is read';

const LZ4_DAMAGE: readonly ErrorCode[] = [
  'DQA_LZ4_CORRUPT',
  'DQA_LZ4_CHECKSUM',
  'DQA_LZ4_SIZE_MISMATCH',
  'DQA_LZ4_TRUNCATED',
];

export const CORPUS: readonly CorpusCase[] = [
  // ------------------------------------------------------------ path
  {
    id: 'path-missing',
    group: 'path',
    damage: 'no file at the path',
    expect: { error: 'DQA_INPUT_NOT_FOUND' },
    build: async (_c, dir) => [{ path: join(dir, 'snapshot-1-2-3'), label: 'missing' }],
  },
  {
    id: 'path-empty-file',
    group: 'path',
    damage: 'empty snapshot file (0 bytes)',
    expect: { error: 'DQA_INPUT_EMPTY' },
    build: async (c, dir) => [{ path: await pair(c, dir, Buffer.alloc(0)), label: 'empty' }],
  },
  {
    id: 'path-garbage',
    group: 'path',
    damage: 'random bytes; the first 3 bytes of an LZ4 magic; 7 bytes of a raw payload format',
    expect: { error: 'DQA_INPUT_UNKNOWN' },
    build: (c, dir) =>
      each(
        dir,
        [garbage(4096), c.source.frame.subarray(0, 3), Buffer.from([1, 0, 0, 0, 0, 0, 0])],
        (b) => `${b.length} bytes`,
        (bytes, sub) => pair(c, sub, bytes),
      ),
  },
  {
    id: 'path-fifo',
    group: 'path',
    damage:
      'a FIFO (named pipe) in place of the snapshot file: stands in for unreadable files, as tests run as root',
    expect: { error: 'DQA_INPUT_UNKNOWN' },
    build: async (_c, dir) => {
      await fifo(join(dir, 'snapshot-1-2-3'));
      return [{ path: join(dir, 'snapshot-1-2-3'), label: 'fifo' }];
    },
  },
  {
    id: 'path-device',
    group: 'path',
    damage: 'a symlink to /dev/zero (endless, size 0)',
    expect: { error: 'DQA_INPUT_UNKNOWN' },
    build: async (_c, dir) => {
      await symlink('/dev/zero', join(dir, 'snapshot-1-2-3'));
      return [{ path: join(dir, 'snapshot-1-2-3'), label: '/dev/zero' }];
    },
  },
  {
    id: 'path-unknown-private-bytes',
    group: 'path',
    damage: 'a symlink to a file that is none of the formats (say /etc/shadow): its bytes must not be quoted',
    expect: { error: 'DQA_INPUT_UNKNOWN', says: '`DQA_INPUT_UNKNOWN`, no byte of the file in the message' },
    build: async (_c, dir) => {
      await writeFile(join(dir, 'private'), `${SECRET_MARKER}:$6$salt$hash:19000:0:99999:7:::\n`);
      await symlink(join(dir, 'private'), join(dir, 'snapshot-1-2-3'));
      return [{ path: join(dir, 'snapshot-1-2-3'), label: 'symlink' }];
    },
  },
  {
    id: 'path-symlink-loop',
    group: 'path',
    damage: 'a symlink loop (a → b → a)',
    expect: { error: 'DQA_INPUT_UNREADABLE' },
    build: async (_c, dir) => {
      await symlink(join(dir, 'b'), join(dir, 'a'));
      await symlink(join(dir, 'a'), join(dir, 'b'));
      return [{ path: join(dir, 'a'), label: 'loop' }];
    },
  },
  {
    id: 'path-dangling-symlink',
    group: 'path',
    damage: 'a symlink to a file that does not exist',
    expect: { error: 'DQA_INPUT_NOT_FOUND' },
    build: async (_c, dir) => {
      await symlink(join(dir, 'gone'), join(dir, 'snapshot-1-2-3'));
      return [{ path: join(dir, 'snapshot-1-2-3'), label: 'dangling' }];
    },
  },
  {
    id: 'path-symlink',
    group: 'path',
    damage: 'a symlink to an intact snapshot (followed, read-only)',
    expect: { partial: false, markers: [kineIntact, notPartial] },
    build: async (c, dir) => {
      const link = join(dir, c.source.name);
      await symlink(c.source.dataPath, link);
      await symlink(c.source.metaPath, `${link}.meta`);
      return [{ path: link, label: 'symlink' }];
    },
  },

  // ------------------------------------------------------------ data directory
  {
    id: 'dir-no-complete-snapshot',
    group: 'data directory',
    damage:
      'a data directory with no complete snapshot: empty; .meta only; data without .meta; empty data; ' +
      'tmp- files only; a FIFO named as the data file',
    expect: { error: 'DQA_DIR_NO_SNAPSHOT' },
    build: (c, dir) =>
      each(
        dir,
        ['empty', 'meta only', 'data only', 'empty data', 'tmp only', 'fifo data'] as const,
        (v) => v,
        async (variant, sub) => {
          const data = join(sub, c.source.name);
          if (variant === 'meta only') await writeFile(`${data}.meta`, c.source.meta);
          if (variant === 'data only') await writeFile(data, c.source.frame);
          if (variant === 'empty data') await pair(c, sub, Buffer.alloc(0));
          if (variant === 'tmp only') {
            await writeFile(join(sub, `tmp-${c.source.name}`), c.source.frame.subarray(0, 5000));
            await writeFile(join(sub, `tmp-${c.source.name}.meta`), c.source.meta);
          }
          if (variant === 'fifo data') {
            await fifo(data);
            await writeFile(`${data}.meta`, c.source.meta);
          }
          return sub;
        },
      ),
  },
  {
    id: 'dir-many-incomplete',
    group: 'data directory',
    damage: 'a data directory with 2,000 `.meta` files and no data file beside any of them',
    expect: {
      error: 'DQA_DIR_NO_SNAPSHOT',
      says: '`DQA_DIR_NO_SNAPSHOT`, naming the first 10 and the count',
    },
    build: async (c, dir) => {
      const [, term, index, ts] = /^snapshot-(\d+)-(\d+)-(\d+)$/.exec(c.source.name)!;
      for (let i = 0; i < 2_000; i++)
        await writeFile(join(dir, `snapshot-${term}-${Number(index) + i}-${ts}.meta`), '');
      return [{ path: dir, label: '2,000 .meta' }];
    },
  },
  {
    id: 'dir-directory-as-data',
    group: 'data directory',
    damage: 'a directory named as the snapshot data file, with its .meta',
    expect: { error: 'DQA_INPUT_UNKNOWN' },
    build: async (c, dir) => {
      await mkdir(join(dir, c.source.name));
      await writeFile(join(dir, `${c.source.name}.meta`), c.source.meta);
      return [{ path: dir, label: 'directory' }];
    },
  },
  {
    id: 'dir-meta-not-a-file',
    group: 'data directory',
    damage: 'the .meta is a FIFO, a directory, or a symlink to /dev/zero',
    expect: { error: 'DQA_INPUT_UNREADABLE' },
    build: (c, dir) =>
      each(
        dir,
        ['fifo', 'directory', '/dev/zero'] as const,
        (v) => v,
        async (variant, sub) => {
          const data = await pair(c, sub, c.source.frame, null);
          if (variant === 'fifo') await fifo(`${data}.meta`);
          if (variant === 'directory') await mkdir(`${data}.meta`);
          if (variant === '/dev/zero') await symlink('/dev/zero', `${data}.meta`);
          return sub;
        },
      ),
  },
  {
    id: 'dir-node-files-hostile',
    group: 'data directory',
    damage:
      'info.yaml / cluster.yaml / tuning.yaml that are a FIFO, /dev/zero, binary garbage, a YAML alias bomb, ' +
      'or a 8 MiB sparse file',
    expect: {
      partial: false,
      markers: [
        kineIntact,
        {
          says: 'node files ignored',
          holds: (a) => a.dataDir?.node === undefined && a.dataDir?.members === undefined,
        },
      ],
    },
    build: (c, dir) =>
      each(
        dir,
        ['fifo', '/dev/zero', 'garbage', 'alias bomb', 'sparse 8 MiB'] as const,
        (v) => v,
        async (variant, sub) => {
          await pair(c, sub, c.source.frame);
          for (const file of ['info.yaml', 'cluster.yaml', 'tuning.yaml']) {
            const path = join(sub, file);
            if (variant === 'fifo') await fifo(path);
            if (variant === '/dev/zero') await symlink('/dev/zero', path);
            if (variant === 'garbage') await writeFile(path, garbage(5000));
            if (variant === 'alias bomb') await writeFile(path, aliasBomb());
            if (variant === 'sparse 8 MiB') {
              const handle = await open(path, 'w');
              await handle.truncate(8 << 20);
              await handle.close();
            }
          }
          return sub;
        },
      ),
  },
  {
    id: 'dir-symlinked-snapshot',
    group: 'data directory',
    damage: 'a data directory whose snapshot pair are symlinks',
    expect: { partial: false, markers: [kineIntact, notPartial] },
    build: async (c, dir) => {
      await symlink(c.source.dataPath, join(dir, c.source.name));
      await symlink(c.source.metaPath, join(dir, `${c.source.name}.meta`));
      return [{ path: dir, label: 'symlinks' }];
    },
  },
  {
    id: 'dir-newer-meta-only',
    group: 'data directory',
    damage: 'a newer snapshot still being written (.meta without data) beside a complete one',
    expect: {
      partial: false,
      markers: [
        kineIntact,
        {
          says: 'a warning names the newer .meta',
          holds: (a) => a.warnings.some((w) => w.includes('being written')),
        },
      ],
    },
    build: async (c, dir) => {
      await pair(c, dir, c.source.frame);
      await writeFile(join(dir, `${newerName(c)}.meta`), c.source.meta);
      return [{ path: dir, label: 'newer meta' }];
    },
  },
  {
    id: 'dir-newest-damaged',
    group: 'data directory',
    damage:
      'the newest complete snapshot is truncated, an older one is intact (the newest is read, as raft does)',
    expect: { error: 'DQA_LZ4_TRUNCATED' },
    build: async (c, dir) => {
      await pair(c, dir, c.source.frame);
      const newer = join(dir, newerName(c));
      await writeFile(newer, c.source.frame.subarray(0, c.source.frame.length >> 1));
      await writeFile(`${newer}.meta`, c.source.meta);
      return [{ path: dir, label: 'newest truncated' }];
    },
  },

  // ------------------------------------------------------------ raft .meta
  {
    id: 'meta-missing',
    group: 'raft .meta',
    damage: 'a snapshot file given alone, without its .meta',
    expect: {
      partial: false,
      markers: [
        kineIntact,
        { says: 'raft.configurationIndex null', holds: (a) => a.raft?.configurationIndex === null },
      ],
    },
    build: async (c, dir) => [{ path: await pair(c, dir, c.source.frame, null), label: 'no meta' }],
  },
  {
    id: 'meta-truncated',
    group: 'raft .meta',
    damage: '.meta cut at 0, 8, 16, 24, 31, 32 bytes (header only), mid-configuration, and 1 byte short',
    expect: { error: 'DQA_RAFT_META_TRUNCATED' },
    build: (c, dir) =>
      each(
        dir,
        [0, 8, 16, 24, 31, 32, 40, c.source.meta.length - 1],
        (cut) => `${cut} bytes`,
        (cut, sub) => pair(c, sub, c.source.frame, c.source.meta.subarray(0, cut)),
      ),
  },
  {
    id: 'meta-format',
    group: 'raft .meta',
    damage: '.meta format field 2 (or all ones)',
    expect: { error: 'DQA_RAFT_META_FORMAT' },
    build: (c, dir) =>
      each(
        dir,
        [2n, (1n << 64n) - 1n],
        (f) => `format ${f}`,
        (format, sub) => {
          const meta = Buffer.from(c.source.meta);
          meta.writeBigUInt64LE(format, 0);
          return pair(c, sub, c.source.frame, meta);
        },
      ),
  },
  {
    id: 'meta-crc',
    group: 'raft .meta',
    damage:
      '.meta whose CRC does not match: a flipped bit in the stored CRC, the index, the length, the configuration',
    expect: { error: 'DQA_RAFT_META_CRC' },
    build: (c, dir) =>
      each(
        dir,
        [
          { at: 8, mask: 0x01, label: 'stored CRC' },
          { at: 16, mask: 0x01, label: 'configuration index' },
          // 40 → 32: the length still fits the file, so only the CRC can tell.
          { at: 24, mask: 0x08, label: 'configuration length' },
          { at: 40, mask: 0x01, label: 'server id' },
          { at: c.source.meta.length - 12, mask: 0x01, label: 'address' },
        ],
        (v) => v.label,
        (v, sub) => pair(c, sub, c.source.frame, flip(c.source.meta, v.at, v.mask)),
      ),
  },
  {
    id: 'meta-config-length-huge',
    group: 'raft .meta',
    damage: '.meta configuration length 2^40 and 2^64-1 (far beyond the 72-byte file)',
    expect: { error: 'DQA_RAFT_META_MALFORMED' },
    hugeSize: true,
    build: (c, dir) =>
      each(
        dir,
        [1n << 40n, (1n << 64n) - 1n],
        (n) => `length ${n}`,
        (length, sub) => {
          const meta = Buffer.from(c.source.meta);
          meta.writeBigUInt64LE(length, 24);
          return pair(c, sub, c.source.frame, meta);
        },
      ),
  },
  {
    id: 'meta-config-length-past-file',
    group: 'raft .meta',
    damage: ".meta configuration length 1 MiB (raft's maximum) in a 72-byte file, CRC recomputed",
    expect: { error: 'DQA_RAFT_META_TRUNCATED' },
    hugeSize: true,
    build: async (c, dir) => {
      const meta = Buffer.from(c.source.meta);
      meta.writeBigUInt64LE(1n << 20n, 24);
      return [{ path: await pair(c, dir, c.source.frame, fixMetaCrc(meta)), label: '1 MiB' }];
    },
  },
  {
    id: 'meta-config-malformed',
    group: 'raft .meta',
    damage:
      '.meta with a valid CRC over a bad configuration: encoding version 2, 2^60 servers, ' +
      'an address with no NUL, a server count one too high',
    expect: { error: 'DQA_RAFT_META_MALFORMED' },
    hugeSize: true,
    build: (c, dir) =>
      each(
        dir,
        ['version', 'servers', 'no nul', 'count+1'] as const,
        (v) => v,
        (variant, sub) => {
          const meta = Buffer.from(c.source.meta);
          if (variant === 'version') meta[32] = 2;
          if (variant === 'servers') meta.writeBigUInt64LE(1n << 60n, 33);
          if (variant === 'no nul') meta.fill(0x41, 32 + 9 + 8);
          if (variant === 'count+1') meta.writeBigUInt64LE(meta.readBigUInt64LE(33) + 1n, 33);
          return pair(c, sub, c.source.frame, fixMetaCrc(meta));
        },
      ),
  },
  {
    id: 'meta-odd-but-valid',
    group: 'raft .meta',
    damage:
      '.meta with an unknown role code (CRC recomputed), with bytes after the configuration, or 8 MiB sparse',
    expect: {
      partial: false,
      markers: [kineIntact, { says: 'raft.servers read', holds: (a) => (a.raft?.servers.length ?? 0) > 0 }],
    },
    hugeSize: true,
    build: (c, dir) =>
      each(
        dir,
        ['role', 'trailing', 'sparse'] as const,
        (v) => v,
        async (variant, sub) => {
          let meta: Buffer = Buffer.from(c.source.meta);
          if (variant === 'role') {
            const nul = meta.indexOf(0, 32 + 9 + 8);
            meta[nul + 1] = 7;
            meta = fixMetaCrc(meta);
          }
          if (variant === 'trailing') meta = Buffer.concat([meta, garbage(100)]);
          const data = await pair(c, sub, c.source.frame, meta);
          if (variant === 'sparse') {
            const handle = await open(`${data}.meta`, 'r+');
            await handle.truncate(8 << 20);
            await handle.close();
          }
          return data;
        },
      ),
  },

  // ------------------------------------------------------------ LZ4 frame
  {
    id: 'lz4-truncated-header',
    group: 'LZ4 frame',
    damage:
      'LZ4 frame cut inside its header: after the magic + 1, mid content size, before the header checksum',
    expect: { error: 'DQA_LZ4_TRUNCATED' },
    build: (c, dir) =>
      each(
        dir,
        [5, 6, 10, c.frame.headerBytes - 1, c.frame.headerBytes],
        (cut) => `${cut} bytes`,
        (cut, sub) => pair(c, sub, c.source.frame.subarray(0, cut)),
      ),
  },
  {
    id: 'lz4-truncated-blocks',
    group: 'LZ4 frame',
    damage:
      'LZ4 frame cut at every block boundary: mid size field, after the size field, mid-data, at the block end',
    expect: { error: 'DQA_LZ4_TRUNCATED' },
    build: (c, dir) =>
      each(
        dir,
        c.frame.blocks.flatMap((block, i) => [
          { cut: block.sizeField + 2, label: `block ${i}: mid size field` },
          { cut: block.data, label: `block ${i}: size field only` },
          { cut: block.data + (block.bytes >> 1), label: `block ${i}: mid-data` },
          { cut: block.data + block.bytes, label: `block ${i}: end` },
        ]),
        (v) => v.label,
        (v, sub) => pair(c, sub, c.source.frame.subarray(0, v.cut)),
      ),
  },
  {
    id: 'lz4-truncated-end',
    group: 'LZ4 frame',
    damage: 'LZ4 frame cut mid end mark, after the end mark, mid content checksum, 1 byte short',
    expect: { error: 'DQA_LZ4_TRUNCATED' },
    build: (c, dir) =>
      each(
        dir,
        [c.frame.endMark + 2, c.frame.endMark + 4, c.frame.endMark + 6, c.source.frame.length - 1],
        (cut) => `${cut} bytes`,
        (cut, sub) => pair(c, sub, c.source.frame.subarray(0, cut)),
      ),
  },
  {
    id: 'lz4-header-flags',
    group: 'LZ4 frame',
    damage:
      'LZ4 header with the checksum byte fixed up: version 0, a reserved bit, a dictionary id, block size id 3, ' +
      'a reserved BD bit, a content size of 2^63; and a flipped header checksum, a flipped content-size byte',
    expect: { error: 'DQA_LZ4_BAD_HEADER' },
    build: (c, dir) =>
      each(
        dir,
        [
          { label: 'version 0', bytes: fixLz4HeaderChecksum(flip(c.source.frame, 4, 0x40)) },
          { label: 'reserved FLG bit', bytes: fixLz4HeaderChecksum(flip(c.source.frame, 4, 0x02)) },
          { label: 'dictionary id', bytes: fixLz4HeaderChecksum(flip(c.source.frame, 4, 0x01)) },
          { label: 'block size id 3', bytes: fixLz4HeaderChecksum(withByte(c.source.frame, 5, 0x30)) },
          { label: 'reserved BD bit', bytes: fixLz4HeaderChecksum(flip(c.source.frame, 5, 0x80)) },
          { label: 'header checksum', bytes: flip(c.source.frame, c.frame.headerBytes - 1) },
          { label: 'content size byte', bytes: flip(c.source.frame, 7) },
          { label: 'content size 2^63', bytes: fixLz4HeaderChecksum(withU64(c.source.frame, 6, 1n << 63n)) },
        ],
        (v) => v.label,
        (v, sub) => pair(c, sub, v.bytes),
      ),
  },
  {
    id: 'lz4-content-size-huge',
    group: 'LZ4 frame',
    damage:
      'LZ4 content size 1.5 GiB, 2^40, 2^53-1 (header checksum fixed) in the ~150 KB frame, and 2^50 in a 2 MiB ' +
      'frame: never allocated, nor taken as the space the private copy needs',
    expect: { error: 'DQA_LZ4_SIZE_MISMATCH' },
    hugeSize: true,
    build: async (c, dir) => {
      // Larger than one 1 MiB read, so the payload starts streaming before the frame's end is seen.
      const big = {
        name: 'big',
        main: Buffer.concat([SQLITE_MAGIC, garbage(2 << 20)]),
        wal: Buffer.alloc(0),
      };
      const bigFrame = await c.lz4(buildPayload([...c.databases, big]));
      return each(
        dir,
        [
          { frame: c.source.frame, size: 3n << 29n },
          { frame: c.source.frame, size: 1n << 40n },
          { frame: c.source.frame, size: (1n << 53n) - 1n },
          { frame: bigFrame, size: 1n << 50n },
        ],
        (v) => `content size ${v.size} in ${v.frame.length} bytes`,
        (v, sub) => pair(c, sub, fixLz4HeaderChecksum(withU64(v.frame, 6, v.size))),
      );
    },
  },
  {
    id: 'lz4-content-size-wrong',
    group: 'LZ4 frame',
    damage: 'LZ4 content size 4 KiB more than the data (header checksum fixed)',
    expect: { error: 'DQA_LZ4_SIZE_MISMATCH' },
    build: async (c, dir) => {
      const size = c.frame.contentSize! + 4096n;
      return [
        { path: await pair(c, dir, fixLz4HeaderChecksum(withU64(c.source.frame, 6, size))), label: '+4096' },
      ];
    },
  },
  {
    id: 'lz4-content-size-short',
    group: 'LZ4 frame',
    damage: 'LZ4 content size 4 KiB less than the data (header checksum fixed): the payload outgrows it',
    expect: { error: 'DQA_FSM_SIZE_TOO_LARGE', orError: ['DQA_LZ4_SIZE_MISMATCH'] },
    build: async (c, dir) => {
      const size = c.frame.contentSize! - 4096n;
      return [
        { path: await pair(c, dir, fixLz4HeaderChecksum(withU64(c.source.frame, 6, size))), label: '-4096' },
      ];
    },
  },
  {
    id: 'lz4-valid-variants',
    group: 'LZ4 frame',
    damage:
      'valid LZ4 frames raft does not write: no content size, no content checksum, 4 MiB block size id ' +
      '(header checksum fixed)',
    expect: { partial: false, markers: [kineIntact, notPartial] },
    build: (c, dir) =>
      each(
        dir,
        ['no content size', 'no content checksum', 'block size id 7'] as const,
        (v) => v,
        (variant, sub) => {
          const frame = c.source.frame;
          let bytes: Buffer;
          if (variant === 'no content size') {
            bytes = Buffer.concat([frame.subarray(0, 6), frame.subarray(14)]);
            bytes[4] = bytes[4]! & ~0x08;
          } else if (variant === 'no content checksum') {
            bytes = Buffer.from(frame.subarray(0, frame.length - 4));
            bytes[4] = bytes[4]! & ~0x04;
          } else {
            bytes = withByte(frame, 5, 0x70);
          }
          return pair(c, sub, fixLz4HeaderChecksum(bytes));
        },
      ),
  },
  {
    id: 'lz4-no-size-fills-temp',
    group: 'LZ4 frame',
    damage:
      "an LZ4 frame without a content size whose payload (a 16 MiB database of zeros after the source's) decodes " +
      'to 4 times the 4 MiB temp filesystem (a tmpfs); the free-space check before the copy sees only its ~0.2 MB',
    expect: {
      error: 'DQA_TEMP_NO_SPACE',
      message: /has \d+ bytes free and keeps \d+ of them free: .* was stopped at \d+ bytes$/,
      says:
        '`DQA_TEMP_NO_SPACE` while 1/32 of the temp filesystem (at most 64 MiB) is still free: the copy is ' +
        'bounded as it streams, never by ENOSPC',
    },
    tempFsBytes: 4 << 20,
    build: async (c, dir) => {
      const fill = {
        name: 'fill',
        main: Buffer.concat([c.mergedK8s.subarray(0, 100), Buffer.alloc(16 << 20)]),
      };
      const payload = buildPayload([...c.databases, { ...fill, wal: Buffer.alloc(0) }]);
      return [
        { path: await pair(c, dir, await c.lz4(payload, { contentSize: false })), label: '16 MiB more' },
      ];
    },
  },
  {
    id: 'lz4-no-size-fits-temp',
    group: 'LZ4 frame',
    damage:
      'the intact payload in an LZ4 frame without a content size, the temp dir a 4 MiB tmpfs it fits in',
    expect: { partial: false, markers: [kineIntact, notPartial] },
    tempFsBytes: 4 << 20,
    build: async (c, dir) => [
      { path: await pair(c, dir, await c.lz4(c.source.payload, { contentSize: false })), label: 'fits' },
    ],
  },
  {
    id: 'lz4-flag-mismatch',
    group: 'LZ4 frame',
    damage: 'LZ4 header says block checksums (there are none), or no content checksum (there is one)',
    expect: {
      error: 'DQA_LZ4_CORRUPT',
      orError: ['DQA_LZ4_BAD_HEADER', ...LZ4_DAMAGE, ...PAYLOAD_DAMAGE()],
      says:
        '`DQA_LZ4_CORRUPT` (block checksums: the next size field is read as a checksum) or `DQA_LZ4_BAD_HEADER` ' +
        '(4 bytes after the frame); another `DQA_LZ4_*` or a payload error if misread bytes decode',
    },
    build: (c, dir) =>
      each(
        dir,
        [0x10, 0x04],
        (mask) => (mask === 0x10 ? 'block checksums' : 'no content checksum'),
        (mask, sub) => pair(c, sub, fixLz4HeaderChecksum(flip(c.source.frame, 4, mask))),
      ),
  },
  {
    id: 'lz4-independent-blocks',
    group: 'LZ4 frame',
    damage: 'LZ4 header says independent blocks, so back-references into the previous block fail',
    expect: {
      error: 'DQA_LZ4_CORRUPT',
      orError: LZ4_DAMAGE,
      says: 'a `DQA_LZ4_*` error (`DQA_LZ4_CORRUPT` seen)',
    },
    build: async (c, dir) => [
      { path: await pair(c, dir, fixLz4HeaderChecksum(flip(c.source.frame, 4, 0x20))), label: 'independent' },
    ],
  },
  {
    id: 'lz4-block-size-field',
    group: 'LZ4 frame',
    damage:
      'an LZ4 block size field of 2^31-1 (past the 64 KiB maximum), in the first, a middle and the last block',
    expect: { error: 'DQA_LZ4_CORRUPT' },
    hugeSize: true,
    build: (c, dir) =>
      each(
        dir,
        blockPicks(c),
        (i) => `block ${i}`,
        (i, sub) => {
          const bytes = Buffer.from(c.source.frame);
          bytes.writeUInt32LE(0x7fffffff, c.frame.blocks[i]!.sizeField);
          return pair(c, sub, bytes);
        },
      ),
  },
  {
    id: 'lz4-block-overwritten',
    group: 'LZ4 frame',
    damage: "an LZ4 block's data zeroed or filled with 0xff, in the first, a middle and the last block",
    expect: { error: 'DQA_LZ4_CORRUPT' },
    build: (c, dir) =>
      each(
        dir,
        blockPicks(c).flatMap((i) => [
          { i, fill: 0x00 },
          { i, fill: 0xff },
        ]),
        (v) => `block ${v.i} filled 0x${v.fill.toString(16)}`,
        (v, sub) => {
          const block = c.frame.blocks[v.i]!;
          const bytes = Buffer.from(c.source.frame);
          bytes.fill(v.fill, block.data, block.data + block.bytes);
          return pair(c, sub, bytes);
        },
      ),
  },
  {
    id: 'lz4-block-bit-flips',
    group: 'LZ4 frame',
    damage:
      'one flipped byte in the middle of each LZ4 block: decoding fails or the content checksum catches it',
    expect: {
      error: 'DQA_LZ4_CHECKSUM',
      orError: [...LZ4_DAMAGE, ...PAYLOAD_DAMAGE()],
      says: STREAMED_DAMAGE,
    },
    build: (c, dir) =>
      each(
        dir,
        c.frame.blocks.map((block, i) => ({ i, at: block.data + (block.bytes >> 1) })),
        (v) => `block ${v.i}`,
        async (v, sub) => {
          // A flip in a match offset can point at identical bytes (runs of zeros in SQLite pages):
          // the data is then intact, so move on to the next byte until the flip is real damage.
          for (let at = v.at; at < v.at + 64; at++) {
            const bytes = flip(c.source.frame, at, 0x5a);
            if (await c.damages(bytes)) return pair(c, sub, bytes);
          }
          throw new Error(`no damaging flip near byte ${v.at}`);
        },
      ),
  },
  {
    id: 'lz4-block-size-short',
    group: 'LZ4 frame',
    damage:
      "each compressed LZ4 block's size field one byte short: the block ends inside its last literal run",
    expect: { error: 'DQA_LZ4_CORRUPT' },
    build: (c, dir) =>
      each(
        dir,
        c.frame.blocks.flatMap((block, i) => (block.raw ? [] : [{ i, at: block.sizeField }])),
        (v) => `block ${v.i}`,
        (v, sub) => {
          const bytes = Buffer.from(c.source.frame);
          bytes.writeUInt32LE(bytes.readUInt32LE(v.at) - 1, v.at);
          return pair(c, sub, bytes);
        },
      ),
  },
  {
    id: 'lz4-raw-block-flag',
    group: 'LZ4 frame',
    damage:
      'the "stored uncompressed" bit set on a compressed block: its bytes pass as data, the content checksum fails',
    expect: {
      error: 'DQA_LZ4_CHECKSUM',
      orError: [...LZ4_DAMAGE, ...PAYLOAD_DAMAGE()],
      says: STREAMED_DAMAGE,
    },
    build: (c, dir) =>
      each(
        dir,
        blockPicks(c),
        (i) => `block ${i}`,
        (i, sub) => {
          const bytes = Buffer.from(c.source.frame);
          const at = c.frame.blocks[i]!.sizeField;
          bytes.writeUInt32LE((bytes.readUInt32LE(at) | 0x80000000) >>> 0, at);
          return pair(c, sub, bytes);
        },
      ),
  },
  {
    id: 'lz4-content-checksum',
    group: 'LZ4 frame',
    damage: 'a flipped byte in the LZ4 content checksum',
    expect: { error: 'DQA_LZ4_CHECKSUM' },
    build: async (c, dir) => [
      { path: await pair(c, dir, flip(c.source.frame, c.frame.checksum! + 1)), label: 'checksum' },
    ],
  },
  {
    id: 'lz4-trailing-bytes',
    group: 'LZ4 frame',
    damage: 'bytes after the LZ4 frame: garbage, 4 KiB of zeros (preallocation), a second copy of the frame',
    expect: { error: 'DQA_LZ4_BAD_HEADER' },
    build: (c, dir) =>
      each(
        dir,
        [
          { label: 'garbage', tail: garbage(100) },
          { label: 'zeros', tail: Buffer.alloc(4096) },
          { label: 'second frame', tail: c.source.frame },
        ],
        (v) => v.label,
        (v, sub) => pair(c, sub, Buffer.concat([c.source.frame, v.tail])),
      ),
  },
  {
    id: 'lz4-end-mark',
    group: 'LZ4 frame',
    damage: 'the LZ4 end mark replaced by a block size, so the checksum is read as a block',
    expect: { error: 'DQA_LZ4_TRUNCATED', orError: ['DQA_LZ4_CORRUPT', 'DQA_LZ4_SIZE_MISMATCH'] },
    build: async (c, dir) => {
      const bytes = Buffer.from(c.source.frame);
      bytes.writeUInt32LE(4, c.frame.endMark);
      return [{ path: await pair(c, dir, bytes), label: 'end mark 4' }];
    },
  },

  // ------------------------------------------------------------ dqlite payload
  {
    id: 'payload-truncated-known-size',
    group: 'dqlite payload',
    damage:
      'raw (uncompressed) payload cut at every field of every database: mid name, after the name, mid sizes, ' +
      'after the sizes, mid main file, before the WAL, mid WAL header, 1 byte short',
    expect: {
      error: 'DQA_FSM_SIZE_TOO_LARGE',
      orError: ['DQA_FSM_TRUNCATED', 'DQA_FSM_BAD_NAME', 'DQA_FSM_TOO_MANY_DATABASES'],
    },
    build: (c, dir) =>
      each(
        dir,
        payloadCuts(c),
        (v) => v.label,
        (v, sub) => pair(c, sub, c.source.payload.subarray(0, v.cut)),
      ),
  },
  {
    id: 'payload-truncated-header',
    group: 'dqlite payload',
    damage: 'raw payload cut inside its 16-byte header (format and count)',
    expect: { error: 'DQA_FSM_TRUNCATED' },
    build: (c, dir) =>
      each(
        dir,
        [8, 12, 15],
        (cut) => `${cut} bytes`,
        (cut, sub) => pair(c, sub, c.source.payload.subarray(0, cut)),
      ),
  },
  {
    id: 'payload-truncated-streamed',
    group: 'dqlite payload',
    damage:
      'payload cut at every field, inside an LZ4 frame without a content size (so the parser cannot check sizes ' +
      'up front and meets the end while streaming)',
    expect: { error: 'DQA_FSM_TRUNCATED' },
    build: (c, dir) =>
      each(
        dir,
        [{ cut: 12, label: 'mid header' }, ...payloadCuts(c)],
        (v) => v.label,
        async (v, sub) =>
          pair(c, sub, await c.lz4(c.source.payload.subarray(0, v.cut), { contentSize: false })),
      ),
  },
  {
    id: 'payload-format',
    group: 'dqlite payload',
    damage: 'payload format 2, inside an intact LZ4 frame',
    expect: { error: 'DQA_FSM_BAD_FORMAT' },
    build: async (c, dir) => [
      { path: await pair(c, dir, await c.lz4(withU64(c.source.payload, 0, 2n))), label: 'format 2' },
    ],
  },
  {
    id: 'payload-count-zero',
    group: 'dqlite payload',
    damage: 'payload database count 0',
    expect: { error: 'DQA_FSM_NO_DATABASES' },
    build: async (c, dir) => [{ path: await pair(c, dir, withU64(c.source.payload, 8, 0n)), label: '0' }],
  },
  {
    id: 'payload-count-absurd',
    group: 'dqlite payload',
    damage: 'payload database count 2^32, 2^63, 2^64-1 (raw, and in an LZ4 frame without content size)',
    expect: { error: 'DQA_FSM_TOO_MANY_DATABASES' },
    hugeSize: true,
    build: (c, dir) =>
      each(
        dir,
        [1n << 32n, 1n << 63n, (1n << 64n) - 1n].flatMap((count) => [
          { count, lz4: false },
          { count, lz4: true },
        ]),
        (v) => `${v.count}${v.lz4 ? ' (lz4, no size)' : ''}`,
        async (v, sub) => {
          const bytes = withU64(c.source.payload, 8, v.count);
          return pair(c, sub, v.lz4 ? await c.lz4(bytes, { contentSize: false }) : bytes);
        },
      ),
  },
  {
    id: 'payload-count-high',
    group: 'dqlite payload',
    damage: 'payload database count one too high: the payload ends where a name should start',
    expect: { error: 'DQA_FSM_TRUNCATED' },
    build: (c, dir) =>
      each(
        dir,
        [false, true],
        (lz4) => (lz4 ? 'lz4, no size' : 'raw'),
        async (lz4, sub) => {
          const bytes = withU64(c.source.payload, 8, BigInt(c.entries.length + 1));
          return pair(c, sub, lz4 ? await c.lz4(bytes, { contentSize: false }) : bytes);
        },
      ),
  },
  {
    id: 'payload-count-low',
    group: 'dqlite payload',
    damage: 'payload database count one too low: a whole database follows the last one',
    expect: { error: 'DQA_FSM_TRAILING_DATA' },
    build: async (c, dir) => [
      { path: await pair(c, dir, withU64(c.source.payload, 8, BigInt(c.entries.length - 1))), label: 'n-1' },
    ],
  },
  {
    id: 'payload-name-no-nul',
    group: 'dqlite payload',
    damage: 'a database name with no NUL in the next 4 KiB (raw, and streamed without a size)',
    expect: { error: 'DQA_FSM_BAD_NAME' },
    build: (c, dir) =>
      each(
        dir,
        [false, true],
        (lz4) => (lz4 ? 'lz4, no size' : 'raw'),
        async (lz4, sub) => {
          const bytes = Buffer.concat([c.source.payload.subarray(0, 16), Buffer.alloc(5000, 0x61)]);
          return pair(c, sub, lz4 ? await c.lz4(bytes, { contentSize: false }) : bytes);
        },
      ),
  },
  {
    id: 'payload-name-overrun',
    group: 'dqlite payload',
    damage: 'a database name whose NUL and padding are overwritten, so it runs into the size fields',
    expect: { error: 'DQA_FSM_SIZE_TOO_LARGE' },
    build: async (c, dir) => {
      const entry = c.entries.find((e) => e.name === 'k8s')!;
      const bytes = Buffer.from(c.source.payload);
      bytes.fill(0x78, entry.nameAt + entry.name.length, entry.sizesAt);
      return [{ path: await pair(c, dir, bytes), label: 'k8s' }];
    },
  },
  {
    id: 'payload-names-hostile',
    group: 'dqlite payload',
    damage:
      'database names that are paths (../../etc/x, /abs), terminal escapes, newlines, invalid UTF-8, 4000 bytes, ' +
      'empty, or a duplicate of k8s: files in the private copy never take their name from the payload',
    expect: {
      partial: false,
      markers: [
        kineIntact,
        {
          says: 'every name reported verbatim, one over 1,024 characters cut in the middle with its length',
          holds: (a) =>
            HOSTILE_NAMES.every((name) =>
              a.databases.some((d) =>
                name.length <= 1024
                  ? d.name === name
                  : d.name.length === 1024 &&
                    d.name.includes(` …[${name.length} characters]… `) &&
                    name.startsWith(d.name.slice(0, 400)) &&
                    name.endsWith(d.name.slice(-400)),
              ),
            ),
        },
      ],
    },
    build: async (c, dir) => {
      const k8s = c.databases[k8sIndex(c)]!;
      const demo = c.databases.find((db) => db.name === 'demo')!;
      const dbs = [
        { ...k8s, name: Buffer.from([0xff, 0xfe, 0x6b]) },
        ...c.databases,
        ...HOSTILE_NAMES.map((name) => ({ ...demo, name })),
      ];
      return [{ path: await pair(c, dir, await c.lz4(buildPayload(dbs))), label: 'names' }];
    },
  },
  {
    id: 'payload-many-databases',
    group: 'dqlite payload',
    damage:
      `${MANY_DATABASES} tiny databases (one table, 1 KiB) after the source's, in one intact LZ4 frame: files ` +
      'opened for each and closed later ran out of descriptors (EMFILE under `ulimit -n 1024`, exit 70)',
    expect: {
      partial: false,
      markers: [
        kineIntact,
        {
          says: `all ${MANY_DATABASES} counted, the first 1,000 listed (with k8s)`,
          holds: (a, c) =>
            a.truncatedLists.databases === c.databases.length + MANY_DATABASES &&
            a.databases.length === 1000 &&
            a.databases.some((d) => d.name === 'k8s'),
        },
      ],
    },
    build: async (c, dir) => {
      const tiny = join(dir, 'tiny.db');
      await run('sqlite3', [tiny, 'PRAGMA page_size = 512; CREATE TABLE t (x)']);
      const main = await readFile(tiny);
      await rm(tiny);
      const many = Array.from({ length: MANY_DATABASES }, (_, i) => ({
        name: `db${i}`,
        main,
        wal: Buffer.alloc(0),
      }));
      return [
        { path: await pair(c, dir, await c.lz4(buildPayload([...c.databases, ...many]))), label: 'many' },
      ];
    },
  },
  {
    id: 'payload-name-in-error',
    group: 'dqlite payload',
    damage:
      'a database named with a newline, an ESC sequence and a C1 CSI, whose main file is not SQLite or whose ' +
      'WAL is malformed: the error message stays one printable line',
    expect: { error: 'DQA_SQLITE_NOT_DATABASE', orError: ['DQA_SQLITE_BAD_WAL'] },
    build: (c, dir) =>
      each(
        dir,
        ['main', 'wal'] as const,
        (v) => v,
        async (variant, sub) => {
          const dbs = withDatabase(c, k8sIndex(c), (db) => ({
            name: 'k8s\n\u001b[2J\u009b31m',
            main: variant === 'main' ? Buffer.from(garbage(4096)) : db.main,
            wal: variant === 'wal' ? Buffer.concat([Buffer.alloc(4), db.wal.subarray(4)]) : db.wal,
          }));
          return pair(c, sub, await c.lz4(buildPayload(dbs)));
        },
      ),
  },
  {
    id: 'payload-size-huge',
    group: 'dqlite payload',
    damage: 'a main-file size of 1.5 GiB, 2^45 or 2^64-1, or a WAL size of 2^62, in a raw payload of ~600 KB',
    expect: { error: 'DQA_FSM_SIZE_TOO_LARGE' },
    hugeSize: true,
    build: (c, dir) =>
      each(
        dir,
        hugeSizes(c),
        (v) => v.label,
        (v, sub) => pair(c, sub, withU64(c.source.payload, v.at, v.value)),
      ),
  },
  {
    id: 'payload-size-huge-streamed',
    group: 'dqlite payload',
    damage:
      'the same sizes inside an LZ4 frame without a content size: the parser streams what there is and meets ' +
      'the end (sizes past 2^53 are refused at once)',
    expect: { error: 'DQA_FSM_TRUNCATED', orError: ['DQA_FSM_SIZE_TOO_LARGE'] },
    hugeSize: true,
    build: (c, dir) =>
      each(
        dir,
        hugeSizes(c),
        (v) => v.label,
        async (v, sub) =>
          pair(c, sub, await c.lz4(withU64(c.source.payload, v.at, v.value), { contentSize: false })),
      ),
  },
  {
    id: 'payload-size-off-by-one',
    group: 'dqlite payload',
    damage: 'a main-file size one byte too long or too short: the WAL that follows starts off its header',
    expect: { error: 'DQA_SQLITE_BAD_WAL' },
    build: (c, dir) => {
      const entry = c.entries.find((e) => e.name === 'k8s')!;
      return each(
        dir,
        [1n, -1n],
        (d) => `main ${d > 0 ? '+1' : '-1'}`,
        (delta, sub) =>
          pair(c, sub, withU64(c.source.payload, entry.sizesAt, BigInt(entry.mainBytes) + delta)),
      );
    },
  },
  {
    id: 'payload-main-not-sqlite',
    group: 'dqlite payload',
    damage: 'a main file that does not start with the SQLite header: overwritten, or 10 bytes long',
    expect: { error: 'DQA_SQLITE_NOT_DATABASE' },
    build: (c, dir) =>
      each(
        dir,
        ['overwritten', 'short'] as const,
        (v) => v,
        async (variant, sub) => {
          const dbs = withDatabase(c, k8sIndex(c), (db) => ({
            ...db,
            main:
              variant === 'short'
                ? db.main.subarray(0, 10)
                : Buffer.concat([Buffer.from('NOT SQLite'), db.main.subarray(10)]),
          }));
          return pair(c, sub, await c.lz4(buildPayload(dbs)));
        },
      ),
  },
  {
    id: 'payload-wal-lost',
    group: 'dqlite payload',
    damage: 'the k8s WAL dropped (size 0): the main file alone predates the kine table',
    expect: { error: 'DQA_KINE_NOT_FOUND' },
    build: async (c, dir) => {
      const dbs = withDatabase(c, k8sIndex(c), (db) => ({ ...db, wal: Buffer.alloc(0) }));
      return [{ path: await pair(c, dir, await c.lz4(buildPayload(dbs))), label: 'no wal' }];
    },
  },

  // ------------------------------------------------------------ SQLite WAL
  {
    id: 'wal-torn-last-frame',
    group: 'SQLite WAL',
    damage: 'a torn last WAL frame (a flipped byte in its page): SQLite replays only the frames before it',
    expect: { partial: true, markers: [partialWal('k8s'), walWarning('k8s')] },
    build: async (c, dir) => {
      const dbs = withDatabase(c, k8sIndex(c), (db) => ({ ...db, wal: flip(db.wal, db.wal.length - 100) }));
      return [{ path: await pair(c, dir, await c.lz4(buildPayload(dbs))), label: 'torn' }];
    },
  },
  {
    id: 'wal-uncommitted-tail',
    group: 'SQLite WAL',
    damage: 'the last WAL transaction without its commit mark (frames re-signed, so every frame is valid)',
    expect: { partial: true, markers: [partialWal('k8s'), walWarning('k8s')] },
    build: async (c, dir) => {
      const dbs = withDatabase(c, k8sIndex(c), (db) => {
        const wal = Buffer.from(db.wal);
        const last = walFrames(wal).at(-1)!;
        wal.writeUInt32BE(0, last.at + 4);
        return { ...db, wal: resignWal(wal) };
      });
      return [{ path: await pair(c, dir, await c.lz4(buildPayload(dbs))), label: 'no commit' }];
    },
  },
  {
    id: 'wal-salt-mismatch',
    group: 'SQLite WAL',
    damage: 'a WAL frame in the middle with the wrong salt: it and every later frame are ignored',
    expect: { partial: true, markers: [partialWal('k8s'), walWarning('k8s')] },
    build: async (c, dir) => {
      const dbs = withDatabase(c, k8sIndex(c), (db) => {
        const frames = walFrames(db.wal);
        return { ...db, wal: flip(db.wal, frames[frames.length >> 1]!.at + 8) };
      });
      return [{ path: await pair(c, dir, await c.lz4(buildPayload(dbs))), label: 'salt' }];
    },
  },
  {
    id: 'wal-header-checksum',
    group: 'SQLite WAL',
    damage: "a WAL header whose checksum does not match: SQLite ignores the whole WAL (the pad database's)",
    expect: { partial: true, markers: [kineIntact, partialWal('pad'), walWarning('pad')] },
    build: async (c, dir) => {
      const dbs = withDatabase(c, padIndex(c), (db) => ({ ...db, wal: flip(db.wal, 25) }));
      return [{ path: await pair(c, dir, await c.lz4(buildPayload(dbs))), label: 'header checksum' }];
    },
  },
  {
    id: 'wal-header-only',
    group: 'SQLite WAL',
    damage: "a WAL of its 32-byte header alone (the pad database's)",
    expect: {
      partial: false,
      markers: [
        kineIntact,
        { says: 'pad walFrames 0', holds: (a) => a.databases.find((d) => d.name === 'pad')?.walFrames === 0 },
      ],
    },
    build: async (c, dir) => {
      const dbs = withDatabase(c, padIndex(c), (db) => ({
        ...db,
        wal: db.wal.subarray(0, WAL_HEADER_BYTES),
      }));
      return [{ path: await pair(c, dir, await c.lz4(buildPayload(dbs))), label: 'header only' }];
    },
  },
  {
    id: 'wal-malformed',
    group: 'SQLite WAL',
    damage:
      'a WAL with a bad magic, a page size of 3000, shorter than its header, or cut mid-frame ' +
      '(dqlite only ever ships whole frames)',
    expect: { error: 'DQA_SQLITE_BAD_WAL' },
    build: (c, dir) =>
      each(
        dir,
        ['magic', 'page size', 'short', 'mid-frame'] as const,
        (v) => v,
        async (variant, sub) => {
          const dbs = withDatabase(c, k8sIndex(c), (db) => {
            const wal = Buffer.from(db.wal);
            if (variant === 'magic') wal.writeUInt32BE(0x377f0680, 0);
            if (variant === 'page size') wal.writeUInt32BE(3000, 8);
            if (variant === 'short') return { ...db, wal: wal.subarray(0, 20) };
            if (variant === 'mid-frame')
              return { ...db, wal: wal.subarray(0, wal.length - walPageSize(wal) / 2) };
            return { ...db, wal };
          });
          return pair(c, sub, await c.lz4(buildPayload(dbs)));
        },
      ),
  },

  // ------------------------------------------------------------ SQLite database
  {
    id: 'sqlite-corrupt-table-page',
    group: 'SQLite database',
    damage:
      "the kine table's root page, or one of its leaf pages, overwritten with garbage (WAL merged, as dqlite ≥ 1.17 ships it)",
    expect: { error: 'DQA_SQLITE_CORRUPT' },
    build: (c, dir) =>
      each(
        dir,
        [
          { label: 'kine root page', page: c.pages.kineRoot },
          { label: 'kine leaf page', page: c.pages.kineLeaf },
        ],
        (v) => v.label,
        async (v, sub) => {
          const dbs = mergedK8sWith(c, (main) => {
            garbage(c.pageSize, v.page).copy(main, pageAt(c, v.page));
            return main;
          });
          return pair(c, sub, await c.lz4(buildPayload(dbs)));
        },
      ),
  },
  {
    id: 'sqlite-corrupt-index-page',
    group: 'SQLite database',
    damage: "the kine index's root page overwritten with garbage",
    expect: { error: 'DQA_SQLITE_CORRUPT' },
    build: async (c, dir) => {
      const dbs = mergedK8sWith(c, (main) => {
        garbage(c.pageSize, 7).copy(main, pageAt(c, c.pages.indexRoot));
        return main;
      });
      return [{ path: await pair(c, dir, await c.lz4(buildPayload(dbs))), label: 'index root' }];
    },
  },
  {
    id: 'sqlite-bad-freelist',
    group: 'SQLite database',
    damage:
      "the freelist trunk pointer aimed past the end of the file: queries work, SQLite's quick_check does not",
    expect: {
      partial: true,
      markers: [
        kineIntact,
        {
          says: 'k8s integrity.ok false',
          holds: (a) => a.partial && a.databases.find((d) => d.name === 'k8s')?.integrity?.ok === false,
        },
        {
          says: 'a warning names quick_check',
          holds: (a) => a.warnings.some((w) => w.includes('quick_check')),
        },
      ],
    },
    build: async (c, dir) => {
      const dbs = mergedK8sWith(c, (main) => {
        main.writeUInt32BE(main.length / c.pageSize + 1000, 32);
        if (main.readUInt32BE(36) === 0) main.writeUInt32BE(1, 36);
        return main;
      });
      return [{ path: await pair(c, dir, await c.lz4(buildPayload(dbs))), label: 'freelist' }];
    },
  },
  {
    id: 'sqlite-freelist-count-max',
    group: 'SQLite database',
    damage: "the header's freelist count set to 0xFFFFFFFF (SQLite reads it as -1)",
    expect: {
      partial: true,
      markers: [
        kineIntact,
        {
          says: 'k8s freelistCount within page_count, no negative size',
          holds: (a) => {
            const db = a.databases.find((d) => d.name === 'k8s');
            return (
              db !== undefined &&
              db.freelistCount >= 0 &&
              db.freelistCount <= db.pageCount &&
              db.freeBytes >= 0
            );
          },
        },
        {
          says: 'a warning names quick_check',
          holds: (a) => a.warnings.some((w) => w.includes('quick_check')),
        },
      ],
    },
    build: async (c, dir) => {
      const dbs = mergedK8sWith(c, (main) => {
        main.writeUInt32BE(0xffffffff, 36);
        return main;
      });
      return [{ path: await pair(c, dir, await c.lz4(buildPayload(dbs))), label: '0xFFFFFFFF' }];
    },
  },
  {
    id: 'sqlite-bad-header',
    group: 'SQLite database',
    damage: 'a SQLite header with page size 3 or an unknown read format version',
    expect: { error: 'DQA_SQLITE_CORRUPT' },
    build: (c, dir) =>
      each(
        dir,
        ['page size', 'format'] as const,
        (v) => v,
        async (variant, sub) => {
          const dbs = mergedK8sWith(c, (main) => {
            if (variant === 'page size') main.writeUInt16BE(3, 16);
            else main[19] = 9;
            return main;
          });
          return pair(c, sub, await c.lz4(buildPayload(dbs)));
        },
      ),
  },
  {
    id: 'sqlite-truncated-main',
    group: 'SQLite database',
    damage: 'a main file cut to half its pages, sizes consistent (the b-trees point past the end)',
    expect: { error: 'DQA_SQLITE_CORRUPT', orError: [] },
    build: async (c, dir) => {
      const pages = c.mergedK8s.length / c.pageSize;
      const dbs = mergedK8sWith(c, (main) => main.subarray(0, Math.ceil(pages / 2) * c.pageSize));
      return [{ path: await pair(c, dir, await c.lz4(buildPayload(dbs))), label: 'half' }];
    },
  },
  {
    id: 'kine-value-over-read-limit',
    group: 'SQLite database',
    damage:
      'kine values far longer than any object: a 20 MB Lease, ConfigMap and IPAM block (zeros; the last starts with `{`)',
    expect: { partial: false, markers: [notPartial, oversizedCounted] },
    build: async (c, dir) => {
      const path = join(dir, 'k8s.db');
      await writeFile(path, c.mergedK8s);
      const insert = (name: string, value: string) =>
        'INSERT INTO kine(name, created, deleted, create_revision, prev_revision, lease, value, old_value) ' +
        `VALUES ('${name}', 1, 0, 0, 0, 0, ${value}, NULL);`;
      await run('sqlite3', [
        path,
        [
          insert('/registry/leases/kube-system/huge', `zeroblob(${OVERSIZED})`),
          insert('/registry/configmaps/default/huge', `zeroblob(${OVERSIZED})`),
          insert('/registry/crd.projectcalico.org/ipamblocks/huge', `X'7b' || zeroblob(${OVERSIZED})`),
        ].join('\n'),
      ]);
      const main = await readFile(path);
      const dbs = withDatabase(c, k8sIndex(c), (db) => ({ name: db.name, main, wal: Buffer.alloc(0) }));
      await rm(path);
      return [{ path: await pair(c, dir, await c.lz4(buildPayload(dbs))), label: '3 × 20 MB' }];
    },
  },
  {
    id: 'sqlite-plain-file-wal-torn',
    group: 'SQLite database',
    damage: 'a plain kine SQLite file whose `-wal` beside it has a wrong salt in its middle frame',
    expect: { partial: true, markers: [partialWal('state.db'), walWarning('state.db')] },
    build: async (c, dir) => {
      const k8s = c.databases[k8sIndex(c)]!;
      const frames = walFrames(k8s.wal);
      await writeFile(join(dir, 'state.db'), k8s.main);
      await writeFile(join(dir, 'state.db-wal'), flip(k8s.wal, frames[frames.length >> 1]!.at + 8));
      return [
        {
          path: join(dir, 'state.db'),
          label: `salt of frame ${(frames.length >> 1) + 1} of ${frames.length}`,
        },
      ];
    },
  },
  {
    id: 'sqlite-plain-file-wal-intact',
    group: 'SQLite database',
    damage: 'a plain kine SQLite file with its `-wal` beside it, intact (the control for the torn one)',
    expect: { partial: false, markers: [kineIntact, notPartial] },
    build: async (c, dir) => {
      const k8s = c.databases[k8sIndex(c)]!;
      await writeFile(join(dir, 'state.db'), k8s.main);
      await writeFile(join(dir, 'state.db-wal'), k8s.wal);
      return [{ path: join(dir, 'state.db'), label: 'intact' }];
    },
  },
  {
    id: 'sqlite-plain-file-wal-fifo',
    group: 'SQLite database',
    damage: 'a plain SQLite file whose `-wal` beside it is a FIFO',
    expect: { error: 'DQA_INPUT_UNREADABLE' },
    build: async (c, dir) => {
      await writeFile(join(dir, 'state.db'), c.mergedK8s);
      await fifo(join(dir, 'state.db-wal'));
      return [{ path: join(dir, 'state.db'), label: 'fifo -wal' }];
    },
  },
  {
    id: 'sqlite-plain-file-wal-directory',
    group: 'SQLite database',
    damage: 'a plain SQLite file whose `-wal` beside it is a directory',
    expect: { error: 'DQA_INPUT_UNREADABLE' },
    build: async (c, dir) => {
      await writeFile(join(dir, 'state.db'), c.mergedK8s);
      await mkdir(join(dir, 'state.db-wal'));
      return [{ path: join(dir, 'state.db'), label: 'directory -wal' }];
    },
  },
  {
    id: 'sqlite-plain-file-corrupt',
    group: 'SQLite database',
    damage: 'a plain kine SQLite file (copied out by hand) with its kine root page overwritten',
    expect: { error: 'DQA_SQLITE_CORRUPT' },
    build: async (c, dir) => {
      const main = Buffer.from(c.mergedK8s);
      garbage(c.pageSize, c.pages.kineRoot).copy(main, pageAt(c, c.pages.kineRoot));
      await writeFile(join(dir, 'state.db'), main);
      return [{ path: join(dir, 'state.db'), label: 'state.db' }];
    },
  },
  {
    id: 'sqlite-kine-view-endless',
    group: 'SQLite database',
    damage:
      '`kine` is a VIEW over an endless recursive CTE (PRAGMA table_info works on views): reading it never ends',
    expect: { error: 'DQA_SQLITE_UNSAFE_SCHEMA' },
    build: async (c, dir) => {
      const main = await craftDatabase(
        dir,
        null,
        'CREATE VIEW kine(id, name, created, deleted, create_revision, prev_revision, lease, value, old_value) AS ' +
          "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT x, 'k', 0, 0, 0, 0, 0, '', '' FROM r;",
      );
      const dbs = withDatabase(c, k8sIndex(c), (db) => ({ name: db.name, main, wal: Buffer.alloc(0) }));
      return [{ path: await pair(c, dir, await c.lz4(buildPayload(dbs))), label: 'view' }];
    },
  },
  {
    id: 'sqlite-kine-trigger-unknown-function',
    group: 'SQLite database',
    damage: 'a trigger on kine that calls a function no one defines (written into sqlite_schema by hand)',
    expect: { partial: false, markers: [kineIntact, notPartial] },
    build: async (c, dir) => {
      const main = await craftDatabase(
        dir,
        c.mergedK8s,
        'CREATE TRIGGER kine_evil AFTER INSERT ON kine BEGIN SELECT abs(1); END; PRAGMA writable_schema = ON; ' +
          "UPDATE sqlite_schema SET sql = replace(sql, 'abs(1)', 'dqa_evil(1)') WHERE name = 'kine_evil';",
      );
      return [
        {
          path: await pair(c, dir, await c.lz4(buildPayload(mergedK8sWith(c, () => main)))),
          label: 'trigger',
        },
      ];
    },
  },
  {
    id: 'sqlite-kine-generated-column',
    group: 'SQLite database',
    damage:
      'kine with a generated column that calls a function no one defines, or builds a 100 MB string per row (quick_check computes it)',
    expect: { error: 'DQA_SQLITE_UNSAFE_SCHEMA' },
    build: (c, dir) =>
      each(
        dir,
        [
          { label: 'unknown function', expression: 'dqa_evil(name)' },
          { label: '100 MB a row', expression: "printf('%.*c', 100000000, 'x')" },
        ],
        (v) => v.label,
        async (v, sub) => {
          const main = await craftDatabase(
            sub,
            c.mergedK8s,
            'ALTER TABLE kine ADD COLUMN evil TEXT AS (abs(1)) VIRTUAL NOT NULL; PRAGMA writable_schema = ON; ' +
              `UPDATE sqlite_schema SET sql = replace(sql, 'abs(1)', '${v.expression.replaceAll("'", "''")}') WHERE name = 'kine';`,
          );
          return pair(c, sub, await c.lz4(buildPayload(mergedK8sWith(c, () => main))));
        },
      ),
  },
  {
    id: 'kine-hostile-names',
    group: 'kine content',
    damage:
      'object and key names made to run a pasted command: `$(touch F)`, `;touch F;`, backticks, quotes, ' +
      '`<` `>`, builtins writing a file, in a hot key, Lease namespaces and names, webhook configurations ' +
      'and the Services they call',
    expect: {
      partial: false,
      markers: [
        {
          says: 'every remediation and verify line, pasted into bash, runs only the tools it names',
          holds: (a) =>
            a.findings.length >= 3 && pastedCommands(a).every((p) => pasteProblems(p.script).length === 0),
        },
      ],
    },
    build: async (c, dir) => {
      // The source's k8s database, its kine rows replaced by the hostile history, packed again as raft does.
      const db = join(dir, 'k8s.db');
      await writeFile(db, c.mergedK8s);
      const history = new KineHistory();
      writeHostileNames(history);
      const sql = ['DELETE FROM kine;', "DELETE FROM sqlite_sequence WHERE name = 'kine';"];
      for (const statement of history.takeStatements()) sql.push(`${statement};`);
      await writeFile(`${db}.sql`, sql.join('\n'));
      await run('sh', ['-c', 'sqlite3 -bail "$1" < "$1.sql"', 'sh', db]);
      const main = await readFile(db);
      await rm(db);
      await rm(`${db}.sql`);
      const dbs = withDatabase(c, k8sIndex(c), (k8s) => ({ name: k8s.name, main, wal: Buffer.alloc(0) }));
      return [{ path: await pair(c, dir, await c.lz4(buildPayload(dbs))), label: 'names' }];
    },
  },
];

/** A database built by the sqlite3 CLI: `sql` run on a copy of `start` (or on an empty file). */
async function craftDatabase(dir: string, start: Buffer | null, sql: string): Promise<Buffer> {
  const path = join(dir, 'crafted.db');
  if (start) await writeFile(path, start);
  await run('sqlite3', [path, sql]);
  const bytes = await readFile(path);
  await rm(path);
  return bytes;
}

// ---------------------------------------------------------------- case helpers

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

const HOSTILE_NAMES = [
  '../../../../tmp/dqa-corpus-escape',
  '/tmp/dqa-corpus-absolute',
  '\u001b[31mred\u001b[0m\u0007',
  // CSI as one C1 character: JSON.stringify leaves U+0080-U+009F raw, terminals act on it.
  '\u009b31mc1\u009b0m',
  'a\nb\r\nc',
  'x'.repeat(4000),
  '',
  'k8s',
];

function PAYLOAD_DAMAGE(): ErrorCode[] {
  return [
    'DQA_FSM_BAD_FORMAT',
    'DQA_FSM_TRUNCATED',
    'DQA_FSM_SIZE_TOO_LARGE',
    'DQA_FSM_BAD_NAME',
    'DQA_FSM_TOO_MANY_DATABASES',
    'DQA_FSM_TRAILING_DATA',
    'DQA_FSM_NO_DATABASES',
    'DQA_SQLITE_NOT_DATABASE',
    'DQA_SQLITE_BAD_WAL',
  ];
}

function hugeSizes(c: CorpusContext): Array<{ at: number; value: bigint; label: string }> {
  const { sizesAt } = c.entries.find((e) => e.name === 'k8s')!;
  return [
    { at: sizesAt, value: 3n << 29n, label: 'main 1.5 GiB' },
    { at: sizesAt, value: 1n << 45n, label: 'main 2^45' },
    { at: sizesAt, value: (1n << 64n) - 1n, label: 'main 2^64-1' },
    { at: sizesAt + 8, value: 1n << 62n, label: 'wal 2^62' },
  ];
}

function withU64(bytes: Buffer, at: number, value: bigint): Buffer {
  const out = Buffer.from(bytes);
  out.writeBigUInt64LE(value, at);
  return out;
}

function withByte(bytes: Buffer, at: number, value: number): Buffer {
  const out = Buffer.from(bytes);
  out[at] = value;
  return out;
}

/** Indexes of the first, a middle and the last compressed block (a stored block decodes anything). */
function blockPicks(c: CorpusContext): number[] {
  const compressed = c.frame.blocks.flatMap((block, i) => (block.raw ? [] : [i]));
  if (compressed.length === 0) throw new Error('the source frame has no compressed block');
  return [...new Set([compressed[0]!, compressed[compressed.length >> 1]!, compressed.at(-1)!])];
}

function newerName(c: CorpusContext): string {
  const [, term, index, ts] = /^snapshot-(\d+)-(\d+)-(\d+)$/.exec(c.source.name)!;
  return `snapshot-${term}-${Number(index) + 1024}-${Number(ts) + 5000}`;
}

/** Truncation points at every field of every database in the payload. */
function payloadCuts(c: CorpusContext): Array<{ cut: number; label: string }> {
  const cuts: Array<{ cut: number; label: string }> = [];
  for (const e of c.entries) {
    cuts.push(
      { cut: e.nameAt + 2, label: `${e.name}: mid name` },
      { cut: e.sizesAt, label: `${e.name}: after name` },
      { cut: e.sizesAt + 8, label: `${e.name}: mid sizes` },
      { cut: e.mainAt, label: `${e.name}: after sizes` },
      { cut: e.mainAt + 100, label: `${e.name}: mid main` },
      { cut: e.walAt, label: `${e.name}: before WAL` },
    );
    if (e.walBytes > 0) cuts.push({ cut: e.walAt + 16, label: `${e.name}: mid WAL header` });
  }
  cuts.push({ cut: c.source.payload.length - 1, label: '1 byte short' });
  return cuts.filter((v) => v.cut > 16);
}

/** A YAML "billion laughs": nine levels of aliases, each ten times the one before. */
function aliasBomb(): string {
  const lines = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let i = 1; i < 10; i++)
    lines.push(
      `a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(', ')}]`,
    );
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------- building the corpus

/** Decode the source once with independent tools (lz4, sqlite3) and set up the case helpers. */
export async function corpusContext(source: SourceSnapshot, workDir: string): Promise<CorpusContext> {
  await mkdir(workDir, { recursive: true });
  const work = await mkdtemp(join(workDir, 'context-'));
  const extraction = await extractWithCli(source.dataPath);
  try {
    const k8s = extraction.databases.find((db) => db.name === 'k8s')!;
    const [{ rows }] = (await sqlite<{ rows: number }>(
      k8s.mainPath,
      'SELECT count(*) AS rows FROM kine',
    )) as [{ rows: number }];
    const merged = join(work, 'k8s.db');
    await copyFile(k8s.mainPath, merged);
    await copyFile(k8s.walPath, `${merged}-wal`);
    await run('sqlite3', [merged, 'PRAGMA wal_checkpoint(TRUNCATE);']);
    const mergedK8s = await readFile(merged);
    const pageSize = mergedK8s.readUInt16BE(16) === 1 ? 65536 : mergedK8s.readUInt16BE(16);
    const page = async (sql: string) => ((await sqlite<{ p: number }>(merged, sql))[0] as { p: number }).p;
    const pages = {
      kineRoot: await page("SELECT rootpage AS p FROM sqlite_schema WHERE name = 'kine'"),
      kineLeaf: await page("SELECT max(pageno) AS p FROM dbstat WHERE name = 'kine' AND pagetype = 'leaf'"),
      indexRoot: await page(
        "SELECT rootpage AS p FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'kine'",
      ),
    };
    let serial = 0;
    return {
      source,
      frame: lz4Layout(source.frame),
      entries: payloadLayout(source.payload),
      databases: payloadDatabases(source.payload),
      kineRows: rows,
      mergedK8s,
      pageSize,
      pages,
      async damages(frame) {
        const input = join(work, `lz4d-${serial++}`);
        await writeFile(input, frame);
        try {
          await run('lz4', ['-d', '-q', '-f', input, `${input}.out`]);
          return !(await readFile(`${input}.out`)).equals(source.payload);
        } catch {
          return true;
        } finally {
          await rm(input, { force: true });
          await rm(`${input}.out`, { force: true });
        }
      },
      async lz4(payload, options = {}) {
        const input = join(work, `lz4-${serial++}`);
        await writeFile(input, payload);
        // raft's frame settings: 64 KiB linked blocks, content size, content checksum.
        const flags = [
          '-q',
          '-f',
          '-B4',
          '-BD',
          ...(options.contentSize === false ? [] : ['--content-size']),
        ];
        await run('lz4', [...flags, input, `${input}.lz4`]);
        const out = await readFile(`${input}.lz4`);
        await rm(input);
        await rm(`${input}.lz4`);
        return out;
      },
    };
  } finally {
    await extraction.cleanup();
  }
}

/** Build every case's inputs under `outDir/<id>/`; returns the inputs per case id. */
export async function generateCorpus(
  context: CorpusContext,
  outDir: string,
  cases: readonly CorpusCase[] = CORPUS,
): Promise<Map<string, CaseInput[]>> {
  const built = new Map<string, CaseInput[]>();
  for (const item of cases) {
    const dir = join(outDir, item.id);
    await mkdir(dir, { recursive: true });
    built.set(item.id, await item.build(context, dir));
  }
  return built;
}

// ---------------------------------------------------------------- the docs table

/** The outcome column: the error code(s), or "analysed" with the markers. */
export function describeExpectation(expect: Expectation): string {
  if ('error' in expect) {
    if (expect.says) return expect.says;
    const others = (expect.orError ?? [])
      .filter((code) => code !== expect.error)
      .map((code) => `\`${code}\``);
    return others.length > 0 ? `\`${expect.error}\` (or ${others.join(', ')})` : `\`${expect.error}\``;
  }
  const kind = expect.partial ? 'analysed, **partial**' : 'analysed';
  return `${kind}: ${expect.markers.map((m) => m.says).join('; ')}`;
}

/** The "Hostile input" table of docs/security.md, one row per case. */
export function renderTable(cases: readonly CorpusCase[] = CORPUS): string {
  const rows = ['| Group | Damage | Outcome |', '|---|---|---|'];
  for (const item of cases) {
    const damage = item.damage.replaceAll('|', '\\|') + (item.hugeSize ? ' ¹' : '');
    const outcome = item.knownIssue
      ? `should be ${describeExpectation(item.expect)}; **known issue**: ${item.knownIssue.note}`
      : describeExpectation(item.expect);
    rows.push(`| ${item.group} | ${damage} | ${outcome} |`);
  }
  return rows.join('\n');
}
