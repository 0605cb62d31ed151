// Independent readers and writers for the structures the corpus damages: the LZ4 frame (block
// boundaries, header checksum), raft's .meta CRC, the dqlite payload and the SQLite WAL. They share
// no code with packages/ on purpose: a bug in the core must not be mirrored in the damage it is
// tested against. References: lz4 frame format 1.6.x, canonical/raft src/uv_snapshot.c + byte.c,
// canonical/dqlite src/fsm.c, https://www.sqlite.org/fileformat.html#the_write_ahead_log.

export function u64(value: number | bigint): Buffer {
  const buf = Buffer.alloc(8);
  buf.writeBigUInt64LE(BigInt(value));
  return buf;
}

// ---------------------------------------------------------------- xxHash32 (for the LZ4 header byte)

const P1 = 2654435761;
const P2 = 2246822519;
const P3 = 3266489917;
const P4 = 668265263;
const P5 = 374761393;
const rotl = (x: number, r: number) => ((x << r) | (x >>> (32 - r))) >>> 0;
const mul = (a: number, b: number) => Math.imul(a, b) >>> 0;
const round = (acc: number, lane: number) => mul(rotl((acc + mul(lane, P2)) >>> 0, 13), P1);

/** XXH32 of `buf` (the reference algorithm, written out from the spec). */
export function xxh32(buf: Uint8Array, seed = 0): number {
  const view = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const len = view.length;
  let i = 0;
  let h: number;
  if (len >= 16) {
    let v1 = (seed + P1 + P2) >>> 0;
    let v2 = (seed + P2) >>> 0;
    let v3 = seed >>> 0;
    let v4 = (seed - P1) >>> 0;
    for (; i + 16 <= len; i += 16) {
      v1 = round(v1, view.readUInt32LE(i));
      v2 = round(v2, view.readUInt32LE(i + 4));
      v3 = round(v3, view.readUInt32LE(i + 8));
      v4 = round(v4, view.readUInt32LE(i + 12));
    }
    h = (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) >>> 0;
  } else {
    h = (seed + P5) >>> 0;
  }
  h = (h + len) >>> 0;
  for (; i + 4 <= len; i += 4) h = mul(rotl((h + mul(view.readUInt32LE(i), P3)) >>> 0, 17), P4);
  for (; i < len; i++) h = mul(rotl((h + mul(view[i]!, P5)) >>> 0, 11), P1);
  h = mul(h ^ (h >>> 15), P2);
  h = mul(h ^ (h >>> 13), P3);
  return (h ^ (h >>> 16)) >>> 0;
}

// ---------------------------------------------------------------- LZ4 frame layout

export interface Lz4Block {
  /** Offset of the block's 4-byte size field. */
  sizeField: number;
  /** Offset of the block's data (sizeField + 4). */
  data: number;
  bytes: number;
  raw: boolean;
}

export interface Lz4Layout {
  /** Header length, header-checksum byte included (7 or 15 for raft's frames). */
  headerBytes: number;
  contentSize: bigint | undefined;
  blockChecksums: boolean;
  contentChecksum: boolean;
  blocks: Lz4Block[];
  /** Offset of the 4-byte zero end mark. */
  endMark: number;
  /** Offset of the 4-byte content checksum (endMark + 4), when present. */
  checksum: number | undefined;
}

/** Walk an LZ4 frame's blocks without decompressing them. */
export function lz4Layout(frame: Buffer): Lz4Layout {
  if (frame.readUInt32LE(0) !== 0x184d2204) throw new Error('not an LZ4 frame');
  const flg = frame[4]!;
  const hasSize = (flg & 0x08) !== 0;
  const headerBytes = 7 + (hasSize ? 8 : 0);
  const blockChecksums = (flg & 0x10) !== 0;
  const contentChecksum = (flg & 0x04) !== 0;
  const blocks: Lz4Block[] = [];
  let at = headerBytes;
  for (;;) {
    const field = frame.readUInt32LE(at);
    if (field === 0) break;
    const bytes = field & 0x7fffffff;
    blocks.push({ sizeField: at, data: at + 4, bytes, raw: (field & 0x80000000) !== 0 });
    at += 4 + bytes + (blockChecksums ? 4 : 0);
  }
  return {
    headerBytes,
    contentSize: hasSize ? frame.readBigUInt64LE(6) : undefined,
    blockChecksums,
    contentChecksum,
    blocks,
    endMark: at,
    checksum: contentChecksum ? at + 4 : undefined,
  };
}

/** Recompute the header checksum byte after the FLG/BD/content-size bytes were changed. */
export function fixLz4HeaderChecksum(frame: Buffer): Buffer {
  const out = Buffer.from(frame);
  const headerBytes = 7 + ((out[4]! & 0x08) !== 0 ? 8 : 0);
  out[headerBytes - 1] = (xxh32(out.subarray(4, headerBytes - 1)) >>> 8) & 0xff;
  return out;
}

// ---------------------------------------------------------------- raft .meta

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let bit = 0; bit < 8; bit++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    table[i] = c >>> 0;
  }
  return table;
})();

/** raft's byteCrc32 (MSB-first, polynomial 0x04C11DB7, no final XOR). */
export function raftCrc(bytes: Uint8Array, crc = 0): number {
  let value = crc >>> 0;
  for (const byte of bytes) value = ((value << 8) ^ CRC_TABLE[((value >>> 24) ^ byte) & 0xff]!) >>> 0;
  return value;
}

/** Rewrite a .meta's CRC so it matches its (possibly edited) index, length and configuration. */
export function fixMetaCrc(meta: Buffer): Buffer {
  const out = Buffer.from(meta);
  const length = Number(out.readBigUInt64LE(24));
  const configuration = out.subarray(32, Math.min(out.length, 32 + length));
  out.writeUInt32LE(raftCrc(configuration, raftCrc(out.subarray(16, 32))), 8);
  return out;
}

// ---------------------------------------------------------------- dqlite payload

export interface PayloadEntry {
  name: string;
  /** Offset of the name field. */
  nameAt: number;
  /** Offset of the two u64 size fields. */
  sizesAt: number;
  mainAt: number;
  mainBytes: number;
  walAt: number;
  walBytes: number;
}

/** Offsets of every field of a (well-formed) payload. */
export function payloadLayout(payload: Buffer): PayloadEntry[] {
  const count = Number(payload.readBigUInt64LE(8));
  const entries: PayloadEntry[] = [];
  let at = 16;
  for (let i = 0; i < count; i++) {
    const nul = payload.indexOf(0, at);
    const name = payload.toString('utf8', at, nul);
    const sizesAt = at + Math.ceil((nul - at + 1) / 8) * 8;
    const mainBytes = Number(payload.readBigUInt64LE(sizesAt));
    const walBytes = Number(payload.readBigUInt64LE(sizesAt + 8));
    const mainAt = sizesAt + 16;
    entries.push({ name, nameAt: at, sizesAt, mainAt, mainBytes, walAt: mainAt + mainBytes, walBytes });
    at = mainAt + mainBytes + walBytes;
  }
  return entries;
}

export interface PayloadDb {
  name: string | Buffer;
  main: Buffer;
  wal: Buffer;
}

/** Lay databases out as dqlite's encodeDatabase does; `count` may lie. */
export function buildPayload(databases: PayloadDb[], count: number | bigint = databases.length): Buffer {
  const parts: Buffer[] = [u64(1), u64(count)];
  for (const db of databases) {
    const name = Buffer.concat([Buffer.from(db.name), Buffer.alloc(1)]);
    parts.push(name, Buffer.alloc((8 - (name.length % 8)) % 8), u64(db.main.length), u64(db.wal.length));
    parts.push(db.main, db.wal);
  }
  return Buffer.concat(parts);
}

/** The databases of a well-formed payload, as copies. */
export function payloadDatabases(payload: Buffer): PayloadDb[] {
  return payloadLayout(payload).map((entry) => ({
    name: entry.name,
    main: Buffer.from(payload.subarray(entry.mainAt, entry.mainAt + entry.mainBytes)),
    wal: Buffer.from(payload.subarray(entry.walAt, entry.walAt + entry.walBytes)),
  }));
}

// ---------------------------------------------------------------- SQLite WAL

export const WAL_HEADER_BYTES = 32;
export const WAL_FRAME_HEADER_BYTES = 24;

export interface WalFrame {
  at: number;
  page: number;
  /** Database size in pages for a commit frame, else 0. */
  commit: number;
}

export function walPageSize(wal: Buffer): number {
  return wal.readUInt32BE(8);
}

export function walFrames(wal: Buffer): WalFrame[] {
  const frameBytes = WAL_FRAME_HEADER_BYTES + walPageSize(wal);
  const frames: WalFrame[] = [];
  for (let at = WAL_HEADER_BYTES; at + frameBytes <= wal.length; at += frameBytes) {
    frames.push({ at, page: wal.readUInt32BE(at), commit: wal.readUInt32BE(at + 4) });
  }
  return frames;
}

/** SQLite's WAL checksum over `bytes`, continuing from (s0, s1), in the byte order the magic names. */
export function walChecksum(
  bytes: Buffer,
  bigEndian: boolean,
  s: [number, number] = [0, 0],
): [number, number] {
  let [s0, s1] = s;
  for (let i = 0; i < bytes.length; i += 8) {
    const a = bigEndian ? bytes.readUInt32BE(i) : bytes.readUInt32LE(i);
    const b = bigEndian ? bytes.readUInt32BE(i + 4) : bytes.readUInt32LE(i + 4);
    s0 = (s0 + a + s1) >>> 0;
    s1 = (s1 + b + s0) >>> 0;
  }
  return [s0, s1];
}

/**
 * Re-sign every frame of a WAL whose frame headers or pages were edited, so the checksum chain is
 * valid again (what SQLite itself would have written for those frames).
 */
export function resignWal(wal: Buffer): Buffer {
  const out = Buffer.from(wal);
  const bigEndian = (out.readUInt32BE(0) & 1) === 1;
  let s = walChecksum(out.subarray(0, 24), bigEndian);
  out.writeUInt32BE(s[0], 24);
  out.writeUInt32BE(s[1], 28);
  const pageSize = walPageSize(out);
  for (const frame of walFrames(out)) {
    s = walChecksum(out.subarray(frame.at, frame.at + 8), bigEndian, s);
    s = walChecksum(out.subarray(frame.at + 24, frame.at + 24 + pageSize), bigEndian, s);
    out.writeUInt32BE(s[0], frame.at + 16);
    out.writeUInt32BE(s[1], frame.at + 20);
  }
  return out;
}
