import { AnalyzerError } from '../errors.js';
import { openRegularFile } from '../io/read-only.js';
import { raftCrc32 } from './crc32.js';

/** A member of the Raft configuration stored with a snapshot. */
export interface RaftServer {
  /** Server id as a decimal string (u64: too large for a JS number). */
  id: string;
  address: string;
  role: RaftRole;
}

/** Role names, not codes: raft's codes (0 standby, 1 voter, 2 spare) differ from cluster.yaml's. */
export type RaftRole = 'voter' | 'standby' | 'spare' | 'unknown';

/** The decoded `.meta` file of a snapshot. */
export interface SnapshotMeta {
  format: number;
  crc: number;
  configurationIndex: number;
  servers: RaftServer[];
}

const HEADER_BYTES = 32;
// UV__META_MAX_CONFIGURATION_SIZE (canonical/raft:src/uv_snapshot.c)
const MAX_CONFIGURATION_BYTES = 1024 * 1024;
const RAFT_ROLES: Record<number, RaftRole> = { 0: 'standby', 1: 'voter', 2: 'spare' };

/**
 * Parse a snapshot `.meta` file (canonical/raft:src/uv_snapshot.c, uvSnapshotLoadMeta):
 * u64 format, u64 crc (low 32 bits), u64 configuration index, u64 configuration length,
 * then the encoded configuration. All integers little-endian.
 */
export function parseMeta(bytes: Uint8Array, path = '<meta>'): SnapshotMeta {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < HEADER_BYTES) {
    throw new AnalyzerError(
      'DQA_RAFT_META_TRUNCATED',
      `${path}: ${buf.length} bytes, the header alone is 32`,
      {
        path,
        bytes: buf.length,
      },
    );
  }
  const format = buf.readBigUInt64LE(0);
  if (format !== 1n) {
    throw new AnalyzerError('DQA_RAFT_META_FORMAT', `${path}: format ${format}, expected 1`, {
      path,
      offset: 0,
      found: format.toString(),
    });
  }
  const storedCrc = buf.readUInt32LE(8);
  const configurationIndex = buf.readBigUInt64LE(16);
  const configurationLength = buf.readBigUInt64LE(24);
  if (configurationLength === 0n || configurationLength > BigInt(MAX_CONFIGURATION_BYTES)) {
    throw new AnalyzerError(
      'DQA_RAFT_META_MALFORMED',
      `${path}: configuration length ${configurationLength} is outside 1..${MAX_CONFIGURATION_BYTES}`,
      { path, offset: 24, found: configurationLength.toString() },
    );
  }
  const length = Number(configurationLength);
  if (buf.length < HEADER_BYTES + length) {
    throw new AnalyzerError(
      'DQA_RAFT_META_TRUNCATED',
      `${path}: header declares ${length} configuration bytes, file has ${buf.length - HEADER_BYTES}`,
      { path, declared: length, present: buf.length - HEADER_BYTES },
    );
  }
  const configuration = buf.subarray(HEADER_BYTES, HEADER_BYTES + length);
  // The CRC covers the index and length fields, then the configuration bytes.
  const crc = raftCrc32(configuration, raftCrc32(buf.subarray(16, 32)));
  if (crc !== storedCrc) {
    throw new AnalyzerError(
      'DQA_RAFT_META_CRC',
      `${path}: checksum 0x${hex(storedCrc)} stored, 0x${hex(crc)} computed`,
      { path, stored: `0x${hex(storedCrc)}`, computed: `0x${hex(crc)}` },
    );
  }
  return {
    format: 1,
    crc,
    configurationIndex: Number(configurationIndex),
    servers: parseConfiguration(configuration, path),
  };
}

/**
 * Decode a Raft configuration (canonical/raft:src/configuration.c, configurationDecode):
 * u8 version 1, u64 server count, then per server u64 id, NUL-terminated address, u8 role.
 * The padding after the last server may hold garbage and is ignored.
 */
export function parseConfiguration(buf: Buffer, path = '<meta>'): RaftServer[] {
  const fail = (why: string, offset: number): never => {
    throw new AnalyzerError('DQA_RAFT_META_MALFORMED', `${path}: configuration ${why} at byte ${offset}`, {
      path,
      offset: HEADER_BYTES + offset,
    });
  };
  if (buf.length < 9) fail('is shorter than its 9-byte header', 0);
  if (buf[0] !== 1) fail(`has encoding version ${buf[0]}, expected 1`, 0);
  const count = buf.readBigUInt64LE(1);
  // Each server takes at least 10 bytes (id, empty address, role).
  if (count > BigInt(Math.floor((buf.length - 9) / 10))) fail(`declares ${count} servers`, 1);
  const servers: RaftServer[] = [];
  let offset = 9;
  for (let i = 0; i < Number(count); i++) {
    if (offset + 8 > buf.length) fail(`server ${i} id runs past the end`, offset);
    const id = buf.readBigUInt64LE(offset).toString();
    offset += 8;
    const nul = buf.indexOf(0, offset);
    if (nul < 0) fail(`server ${i} address has no NUL terminator`, offset);
    const address = buf.toString('utf8', offset, nul);
    offset = nul + 1;
    if (offset >= buf.length) fail(`server ${i} role runs past the end`, offset);
    const code = buf[offset]!;
    offset += 1;
    servers.push({ id, address, role: RAFT_ROLES[code] ?? 'unknown' });
  }
  return servers;
}

/**
 * Read and parse a `.meta` file; it is small (72 bytes for one node), so it is read whole. A FIFO,
 * device or directory in its place is refused (DQA_INPUT_UNREADABLE) rather than waited on.
 */
export async function readMeta(path: string): Promise<SnapshotMeta> {
  const { handle, size } = await openRegularFile(path);
  try {
    // Header plus the largest configuration raft accepts; anything beyond is never read.
    const bytes = Buffer.alloc(Math.min(size, HEADER_BYTES + MAX_CONFIGURATION_BYTES));
    const { bytesRead } = await handle.read(bytes, 0, bytes.length, 0);
    return parseMeta(bytes.subarray(0, bytesRead), path);
  } finally {
    await handle.close();
  }
}

function hex(value: number): string {
  return value.toString(16).padStart(8, '0');
}
