import { open, stat } from 'node:fs/promises';
import { AnalyzerError, isOpenFileLimit, openFileLimitError } from '../errors.js';
import { LZ4_MAGIC } from '../raft/lz4-frame.js';
import { SQLITE_MAGIC } from '../sqlite/header.js';

/** What kind of input a path holds. */
export type InputKind = 'data-dir' | 'snapshot' | 'sqlite';

/** How the snapshot data file is stored. */
export type Compression = 'lz4' | 'none';

export interface DetectedInput {
  kind: InputKind;
  /** For a snapshot: LZ4 frame or raw payload. */
  compression: Compression | undefined;
  bytesOnDisk: number;
  /**
   * The uncompressed size an LZ4 frame's header declares, unchecked (the decoder checks it): only
   * a hint of how large the work will be. Undefined when the header carries none.
   */
  declaredBytes?: number | undefined;
}

// A raw dqlite payload starts with its format, u64 1 (canonical/dqlite:src/fsm.c).
const RAW_PAYLOAD_MAGIC = Buffer.from([1, 0, 0, 0, 0, 0, 0, 0]);

/** Decide from the path and its first bytes what it is; never reads more than 16 bytes. */
export async function detectInput(path: string): Promise<DetectedInput> {
  const info = await statInput(path);
  if (info.isDirectory()) return { kind: 'data-dir', compression: undefined, bytesOnDisk: 0 };
  if (!info.isFile())
    throw new AnalyzerError('DQA_INPUT_UNKNOWN', `${path} is not a regular file or directory`, { path });
  if (info.size === 0) throw new AnalyzerError('DQA_INPUT_EMPTY', `${path} is empty`, { path });
  const head = await readHead(path, 16);
  if (head.subarray(0, 4).equals(LZ4_MAGIC))
    return {
      kind: 'snapshot',
      compression: 'lz4',
      bytesOnDisk: info.size,
      declaredBytes: declaredSize(head),
    };
  if (head.subarray(0, 8).equals(RAW_PAYLOAD_MAGIC))
    return { kind: 'snapshot', compression: 'none', bytesOnDisk: info.size };
  if (head.equals(SQLITE_MAGIC)) return { kind: 'sqlite', compression: undefined, bytesOnDisk: info.size };
  // The bytes themselves are not quoted: the path may be a symlink to a file the user may not show
  // (a symlink to /etc/shadow put 8 of its bytes in the message).
  throw new AnalyzerError(
    'DQA_INPUT_UNKNOWN',
    `${path} is not an LZ4 frame, a dqlite payload or a SQLite file (its first bytes are none of theirs)`,
    { path },
  );
}

// The frame's content size field: FLG bit 3, then 8 bytes little-endian after FLG and BD (lz4
// frame format 1.6.x). Within the 16 bytes read.
function declaredSize(head: Buffer): number | undefined {
  if (head.length < 14 || (head[4]! & 0x08) === 0) return undefined;
  return Number(head.readBigUInt64LE(6));
}

async function statInput(path: string) {
  try {
    return await stat(path);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new AnalyzerError('DQA_INPUT_NOT_FOUND', `${path} does not exist`, { path }, { cause });
    }
    throw new AnalyzerError('DQA_INPUT_UNREADABLE', `${path} cannot be read (${code})`, { path }, { cause });
  }
}

/** Read up to `n` bytes from the start of a file, opened read-only. */
export async function readHead(path: string, n: number): Promise<Buffer> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (cause) {
    if (isOpenFileLimit(cause)) throw openFileLimitError(`cannot open ${path}`, cause);
    const code = (cause as NodeJS.ErrnoException).code;
    throw new AnalyzerError(
      'DQA_INPUT_UNREADABLE',
      `${path} cannot be opened (${code})`,
      { path },
      { cause },
    );
  }
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await handle.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
