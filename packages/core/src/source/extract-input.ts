import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { AnalyzerError } from '../errors.js';
import type { ExtractedDatabase } from '../fsm/extract.js';
import { WalScanner, type WalSummary } from '../fsm/wal.js';
import { copyRegularFile } from '../io/copy-file.js';
import { ensureFreeSpace } from '../io/temp-dir.js';
import type { ResolvedInput } from './resolve-input.js';
import { withOlderSnapshotHint } from './resolve-input.js';
import { extractSnapshot, type ProgressListener } from './snapshot-file.js';

/** The input's databases as private files in `dir`, and the payload's size. */
export interface ExtractedInput {
  databases: ExtractedDatabase[];
  /** Uncompressed payload bytes (the file size for raw snapshots and SQLite files). */
  payloadBytes: number;
}

/** Stream a snapshot's databases, or copy a SQLite file (and its WAL), into the private `dir`. */
export async function extractInput(
  input: ResolvedInput,
  dir: string,
  onProgress?: ProgressListener,
): Promise<ExtractedInput> {
  if (input.kind === 'sqlite') {
    return {
      databases: [await copySqliteFile(input.dataFile, dir, input.bytesOnDisk)],
      payloadBytes: input.bytesOnDisk,
    };
  }
  const snapshot = await extractSnapshot(input.dataFile, input.compression ?? 'none', dir, onProgress).catch(
    (error: unknown) => {
      throw withOlderSnapshotHint(error, input.dataDir);
    },
  );
  return { databases: snapshot.databases, payloadBytes: snapshot.payloadBytes };
}

// A SQLite file copied out by hand: copy it (and a WAL beside it) into the private directory, and
// check the WAL's frames as the snapshot path does, so a torn one makes the analysis partial.
async function copySqliteFile(path: string, dir: string, size: number): Promise<ExtractedDatabase> {
  ensureFreeSpace(dir, size);
  const mainPath = join(dir, 'db0');
  copyRegularFile(path, mainPath);
  let walBytes = 0;
  let wal: WalSummary | undefined;
  if (existsSync(`${path}-wal`)) {
    walBytes = copyRegularFile(`${path}-wal`, `${mainPath}-wal`);
    // An empty -wal is what SQLite leaves after a checkpoint: no frames, nothing to check.
    if (walBytes > 0) wal = await scanWal(`${mainPath}-wal`, walBytes, `${path}-wal`);
  }
  return { index: 0, name: basename(path), offset: 0, mainBytes: size, walBytes, mainPath, wal };
}

const WAL_READ_BYTES = 2 * 1024 * 1024;

/** Read the private copy of a WAL through WalScanner; a header SQLite cannot use is DQA_SQLITE_BAD_WAL. */
async function scanWal(copy: string, walBytes: number, shownAs: string): Promise<WalSummary> {
  const scanner = new WalScanner();
  const bad = (problem: string) =>
    new AnalyzerError('DQA_SQLITE_BAD_WAL', `${shownAs}: ${problem}`, { path: shownAs });
  const handle = await open(copy, 'r');
  try {
    const buffer = Buffer.alloc(WAL_READ_BYTES);
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      const problem = scanner.push(buffer.subarray(0, bytesRead));
      if (problem) throw bad(problem);
    }
  } finally {
    await handle.close();
  }
  const summary = scanner.end(walBytes);
  if (typeof summary === 'string') throw bad(summary);
  return summary;
}
