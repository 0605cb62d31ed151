// An independent reader for checking the analyzer: the `lz4` and `sqlite3` command-line tools plus a few
// Buffer reads, sharing no code with packages/ (on purpose: a bug there must not be mirrored here).
// Payload layout (docs formats.md §2.2): u64 format = 1, u64 n, then per database a NUL-terminated name
// padded to 8 bytes, u64 main size, u64 wal size, the main bytes, the wal bytes; all little-endian.
import { execFile, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const LZ4_MAGIC = Buffer.from([0x04, 0x22, 0x4d, 0x18]);

export interface ExtractedDatabase {
  name: string;
  /** The main file as stored; sqlite3 sees the WAL next to it as `<mainPath>-wal`. */
  mainPath: string;
  walPath: string;
  mainSize: number;
  walSize: number;
}

export interface Extraction {
  dir: string;
  /** The uncompressed payload. */
  payloadPath: string;
  databases: ExtractedDatabase[];
  cleanup(): Promise<void>;
}

export async function isLz4(path: string): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await file.read(head, 0, 4, 0);
    return bytesRead === 4 && head.equals(LZ4_MAGIC);
  } finally {
    await file.close();
  }
}

/** Decompresses (if LZ4) and splits a snapshot data file into one main + -wal file pair per database. */
export async function extractWithCli(snapshotPath: string): Promise<Extraction> {
  const dir = await mkdtemp(join(tmpdir(), 'dqa-extract-'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    let payloadPath = snapshotPath;
    if (await isLz4(snapshotPath)) {
      payloadPath = join(dir, 'payload.bin');
      await lz4Decompress(snapshotPath, payloadPath);
    }
    const payload = await readFile(payloadPath);
    const databases: ExtractedDatabase[] = [];
    const u64 = (at: number) => {
      if (at + 8 > payload.length) throw new Error(`payload truncated at byte ${at}`);
      return Number(payload.readBigUInt64LE(at));
    };
    if (u64(0) !== 1) throw new Error(`payload format ${u64(0)}, expected 1`);
    const count = u64(8);
    let p = 16;
    for (let i = 0; i < count; i++) {
      const nul = payload.indexOf(0, p);
      if (nul < 0) throw new Error(`database ${i}: name not terminated`);
      const name = payload.subarray(p, nul).toString('utf8');
      p += Math.ceil((nul - p + 1) / 8) * 8;
      const mainSize = u64(p);
      const walSize = u64(p + 8);
      p += 16;
      if (p + mainSize + walSize > payload.length)
        throw new Error(`database ${name}: data runs past the payload`);
      // Names are SQLite file names chosen by clients; keep only safe ones as file names.
      const file = /^[\w.-]+$/.test(name) ? `db-${name}` : `db-${i}`;
      const mainPath = join(dir, file);
      const walPath = `${mainPath}-wal`;
      await writeFile(mainPath, payload.subarray(p, p + mainSize));
      p += mainSize;
      await writeFile(walPath, payload.subarray(p, p + walSize));
      p += walSize;
      databases.push({ name, mainPath, walPath, mainSize, walSize });
    }
    if (p !== payload.length) throw new Error(`payload has ${payload.length - p} trailing bytes`);
    return { dir, payloadPath, databases, cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/**
 * Runs one SQL statement with the sqlite3 CLI and returns its rows (`-json`; no rows prints nothing).
 * `-readonly` keeps the files as extracted: a read-write open would checkpoint the WAL into the main file
 * and delete it on close. sqlite3 still creates `-shm` next to the files, so the directory must be writable.
 */
export function sqlite<T = Record<string, unknown>>(dbPath: string, sql: string): Promise<T[]> {
  return new Promise((resolve, reject) => {
    execFile(
      'sqlite3',
      ['-readonly', '-json', dbPath, sql],
      { maxBuffer: 256 << 20 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`sqlite3 ${dbPath}: ${stderr.trim() || error.message}\n  sql: ${sql}`));
        else resolve(stdout.trim() === '' ? [] : (JSON.parse(stdout) as T[]));
      },
    );
  });
}

/** `lz4 -t`: true when the lz4 CLI accepts the frame (including its content checksum). */
export function lz4Test(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('lz4', ['-t', path], (error) => resolve(error === null));
  });
}

function lz4Decompress(source: string, dest: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(dest);
    const child = spawn('lz4', ['-d', '-c', source], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.stdout.pipe(out);
    out.on('error', reject);
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`lz4 -d ${source} exited ${code}: ${stderr.trim()}`));
      else if (out.writableFinished) resolve();
      else out.once('finish', () => resolve());
    });
  });
}
