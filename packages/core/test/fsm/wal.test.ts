import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { WalScanner, type WalSummary } from '../../src/fsm/wal.js';

const dir = mkdtempSync(join(tmpdir(), 'dqa-wal-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A WAL written by SQLite itself: three committed transactions, copied while still unmerged. */
function sqliteWal(): Buffer {
  const path = join(dir, 'source.db');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0');
  db.exec('CREATE TABLE t (v BLOB)');
  for (let i = 0; i < 3; i++) db.prepare('INSERT INTO t VALUES (randomblob(3000))').run();
  copyFileSync(`${path}-wal`, join(dir, 'copy-wal'));
  db.close();
  return readFileSync(join(dir, 'copy-wal'));
}

function scan(wal: Buffer, chunk = 1000): WalSummary | string {
  const scanner = new WalScanner();
  for (let offset = 0; offset < wal.length; offset += chunk) {
    const problem = scanner.push(wal.subarray(offset, offset + chunk));
    if (problem) return problem;
  }
  return scanner.end(wal.length);
}

const wal = sqliteWal();
const frameBytes = 24 + 4096;

describe('WalScanner', () => {
  it('accepts every frame of a WAL SQLite wrote and finds the last commit', () => {
    const summary = scan(wal) as WalSummary;
    expect(summary.frames).toBe((wal.length - 32) / frameBytes);
    expect(summary.validFrames).toBe(summary.frames);
    expect(summary.committedFrames).toBe(summary.frames);
    // The commit frame's "database size after commit" is the page count SQLite reports.
    expect(summary.committedPages).toBe(wal.readUInt32BE(32 + (summary.frames - 1) * frameBytes + 4));
  });

  it('stops trusting frames at the first bad checksum, as SQLite recovery does', () => {
    const torn = Buffer.from(wal);
    const lastFrame = 32 + ((wal.length - 32) / frameBytes - 1) * frameBytes;
    torn[lastFrame + 24 + 100] = (torn[lastFrame + 24 + 100] ?? 0) ^ 0xff; // page data of the last frame
    const summary = scan(torn) as WalSummary;
    expect(summary.validFrames).toBe(summary.frames - 1);
    expect(summary.committedFrames).toBeLessThan(summary.frames);
  });

  it('rejects a bad magic and a size that is not whole frames', () => {
    const badMagic = Buffer.from(wal);
    badMagic[0] = 0;
    expect(scan(badMagic)).toMatch(/magic/);
    expect(scan(wal.subarray(0, wal.length - 10))).toMatch(/whole/);
  });

  it('checks a big-endian WAL (magic 0x377f0683), which SQLite on this machine reads too', () => {
    // Rewritten with this test's own checksum, spelled from the file format page (sqlite.org/
    // fileformat.html#checksum_algorithm): big-endian words, carried on from header to frame.
    const big = Buffer.from(wal);
    big.writeUInt32BE(0x377f0683, 0);
    const sums = [0, 0];
    const add = (from: number, to: number) => {
      for (let i = from; i < to; i += 8) {
        sums[0] = (sums[0]! + big.readUInt32BE(i) + sums[1]!) >>> 0;
        sums[1] = (sums[1]! + big.readUInt32BE(i + 4) + sums[0]!) >>> 0;
      }
    };
    add(0, 24);
    big.writeUInt32BE(sums[0]!, 24);
    big.writeUInt32BE(sums[1]!, 28);
    const frames = (big.length - 32) / frameBytes;
    for (let f = 0; f < frames; f++) {
      const at = 32 + f * frameBytes;
      add(at, at + 8);
      add(at + 24, at + frameBytes);
      big.writeUInt32BE(sums[0]!, at + 16);
      big.writeUInt32BE(sums[1]!, at + 20);
    }
    expect(big.readUInt32BE(24)).not.toBe(wal.readUInt32BE(24)); // the sums did change
    expect(scan(big, 777)).toMatchObject({ frames, validFrames: frames, committedFrames: frames });

    // SQLite replays the rewritten WAL: all three rows are there.
    const copy = join(dir, 'big.db');
    copyFileSync(join(dir, 'source.db'), copy);
    writeFileSync(`${copy}-wal`, big);
    rmSync(join(dir, 'source.db-wal'), { force: true });
    const db = new Database(copy);
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 3 });
    db.close();

    const torn = Buffer.from(big);
    torn[32 + frameBytes + 24 + 9] = (torn[32 + frameBytes + 24 + 9] ?? 0) ^ 1; // the second frame's page
    expect(scan(torn)).toMatchObject({ frames, validFrames: 1 });
  });
});
