import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ExtractedDatabase } from '../fsm/extract.js';
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
      databases: [copySqliteFile(input.dataFile, dir, input.bytesOnDisk)],
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

// A SQLite file copied out by hand: copy it (and a WAL beside it) into the private directory.
function copySqliteFile(path: string, dir: string, size: number): ExtractedDatabase {
  ensureFreeSpace(dir, size);
  const mainPath = join(dir, 'db0');
  copyRegularFile(path, mainPath);
  let walBytes = 0;
  if (existsSync(`${path}-wal`)) walBytes = copyRegularFile(`${path}-wal`, `${mainPath}-wal`);
  return { index: 0, name: basename(path), offset: 0, mainBytes: size, walBytes, mainPath, wal: undefined };
}
