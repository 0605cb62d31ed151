// The extraction pipeline reuses its read buffers and decodes one block at a time: check that
// no byte goes astray across chunk boundaries, on payloads larger than several read buffers.
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { ByteQueue } from '../../src/io/byte-queue.js';
import { Lz4FrameDecoder } from '../../src/raft/lz4-frame.js';
import { extractSnapshot } from '../../src/source/snapshot-file.js';

const dir = mkdtempSync(join(tmpdir(), 'dqa-extract-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A SQLite main file (~`megabytes` MB, half random, half zeros) and its unmerged WAL. */
function sqliteFiles(name: string, megabytes: number): { main: Buffer; wal: Buffer } {
  const path = join(dir, `${name}.db`);
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (v BLOB)');
  const insert = db.prepare('INSERT INTO t VALUES (randomblob(500) || zeroblob(500))');
  db.transaction(() => {
    for (let i = 0; i < megabytes * 1000; i++) insert.run();
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.pragma('wal_autocheckpoint = 0');
  for (let i = 0; i < 20; i++) insert.run(); // left in the WAL
  copyFileSync(path, join(dir, `${name}.main`));
  copyFileSync(`${path}-wal`, join(dir, `${name}.wal`));
  db.close();
  return { main: readFileSync(join(dir, `${name}.main`)), wal: readFileSync(join(dir, `${name}.wal`)) };
}

/** dqlite's payload: format, count, then per database a padded name, sizes, main file, WAL. */
function payload(databases: Array<{ name: string; main: Buffer; wal: Buffer }>): Buffer {
  const parts: Buffer[] = [];
  const u64 = (n: number) => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(n));
    return b;
  };
  parts.push(u64(1), u64(databases.length));
  for (const db of databases) {
    const name = Buffer.from(`${db.name}\0`);
    parts.push(Buffer.concat([name, Buffer.alloc((8 - (name.length % 8)) % 8)]));
    parts.push(u64(db.main.length), u64(db.wal.length), db.main, db.wal);
  }
  return Buffer.concat(parts);
}

const k8s = sqliteFiles('k8s', 12); // several read buffers' worth
const demo = { name: 'demo', ...sqliteFiles('demo', 0.01) };
const bytes = payload([{ name: 'k8s', ...k8s }, demo]);

async function extracted(path: string, compression: 'lz4' | 'none') {
  const out = join(dir, `out-${compression}`);
  mkdirSync(out);
  const result = await extractSnapshot(path, compression, out);
  return result.databases.map((d) => ({
    name: d.name,
    main: readFileSync(d.mainPath),
    wal: d.walBytes > 0 ? readFileSync(`${d.mainPath}-wal`) : Buffer.alloc(0),
    walFrames: d.wal?.frames ?? 0,
  }));
}

describe('extractSnapshot', () => {
  it('writes every database byte for byte from an LZ4 frame spanning several read buffers', async () => {
    const raw = join(dir, 'payload');
    writeFileSync(raw, bytes);
    execFileSync('lz4', ['-q', '-f', '-B4', '-BD', '--content-size', raw, `${raw}.lz4`]);
    const dbs = await extracted(`${raw}.lz4`, 'lz4');
    expect(dbs.map((d) => d.name)).toEqual(['k8s', 'demo']);
    expect(dbs[0]!.main.equals(k8s.main)).toBe(true);
    expect(dbs[0]!.wal.equals(k8s.wal)).toBe(true);
    expect(dbs[0]!.walFrames).toBe((k8s.wal.length - 32) / (24 + 4096));
    expect(dbs[1]!.main.equals(demo.main)).toBe(true);
  });

  it('writes every byte from frames of large blocks too (1 and 4 MiB: each written before the next)', async () => {
    const raw = join(dir, 'payload-large-blocks');
    writeFileSync(raw, bytes);
    for (const size of ['-B6', '-B7']) {
      execFileSync('lz4', ['-q', '-f', size, '-BD', '--content-size', raw, `${raw}${size}.lz4`]);
      const out = join(dir, `out${size}`);
      mkdirSync(out);
      const result = await extractSnapshot(`${raw}${size}.lz4`, 'lz4', out);
      expect(readFileSync(result.databases[0]!.mainPath).equals(k8s.main), size).toBe(true);
      expect(readFileSync(`${result.databases[0]!.mainPath}-wal`).equals(k8s.wal), size).toBe(true);
    }
  });

  it('waits for its background writes and closes every file when the frame breaks midway', async () => {
    const raw = join(dir, 'payload-broken');
    writeFileSync(raw, bytes);
    execFileSync('lz4', ['-q', '-f', '-B4', '-BD', '--content-size', raw, `${raw}.lz4`]);
    const frame = readFileSync(`${raw}.lz4`);
    frame.fill(0, Math.floor(frame.length * 0.7), Math.floor(frame.length * 0.7) + 70_000); // a block zeroed
    writeFileSync(`${raw}.lz4`, frame);
    const out = join(dir, 'out-broken');
    mkdirSync(out);
    const fds = readdirSync('/proc/self/fd').length;
    const failed = await extractSnapshot(`${raw}.lz4`, 'lz4', out).catch((error: { code: string }) => error);
    expect(['DQA_LZ4_CORRUPT', 'DQA_LZ4_CHECKSUM']).toContain((failed as { code?: string }).code);
    expect(readdirSync('/proc/self/fd').length).toBe(fds);
    // What was written before the damage is on disk, private; the caller removes the directory.
    expect(statSync(join(out, 'db0')).size).toBeGreaterThan(4 << 20);
    expect(statSync(join(out, 'db0')).mode & 0o777).toBe(0o600);
  });

  it('writes every database byte for byte from a raw payload', async () => {
    const raw = join(dir, 'payload-raw');
    writeFileSync(raw, bytes);
    const dbs = await extracted(raw, 'none');
    expect(dbs[0]!.main.equals(k8s.main)).toBe(true);
    expect(dbs[0]!.wal.equals(k8s.wal)).toBe(true);
    expect(dbs[1]!.wal.equals(demo.wal)).toBe(true);
  });
});

describe('Lz4FrameDecoder.next', () => {
  it('keeps no view of a chunk once it asks for more: the caller may overwrite it', async () => {
    const data = Buffer.concat([bytes.subarray(0, 3_000_000), Buffer.alloc(2_000_000)]);
    const input = join(dir, 'reuse');
    writeFileSync(input, data);
    execFileSync('lz4', ['-q', '-f', '-B4', '-BD', '--content-size', input, `${input}.lz4`]);
    const frame = readFileSync(`${input}.lz4`);
    const decoder = new Lz4FrameDecoder();
    const reused = Buffer.alloc(10_007); // never a multiple of a block
    const out: Buffer[] = [];
    for (let offset = 0; offset < frame.length; offset += reused.length) {
      const n = frame.copy(reused, 0, offset, offset + reused.length);
      decoder.write(reused.subarray(0, n));
      for (let block = decoder.next(); block !== undefined; block = decoder.next()) out.push(block);
      reused.fill(0xee); // the next chunk lands in the same memory
    }
    decoder.end();
    expect(Buffer.concat(out).equals(data)).toBe(true);
  });
});

describe('ByteQueue.compact', () => {
  it('keeps the bytes left but lets go of the chunks', () => {
    const queue = new ByteQueue();
    const a = Buffer.from('abcdef');
    const b = Buffer.from('ghij');
    queue.push(a);
    queue.push(b);
    expect(queue.take(4).toString()).toBe('abcd');
    queue.compact();
    a.fill(0);
    b.fill(0);
    expect(queue.length).toBe(6);
    expect(queue.take(6).toString()).toBe('efghij');
    queue.compact();
    expect(queue.length).toBe(0);
    expect(queue.takeUpTo(10).length).toBe(0);
  });
});
