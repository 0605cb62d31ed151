import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { AnalyzerError } from '../errors.js';
import { type DataDirListing, readDataDir } from './data-dir.js';
import { type Compression, detectInput, type InputKind } from './detect.js';

/** What the path given by the user turned out to be, and the one file the analysis reads. */
export interface ResolvedInput {
  /** The path given by the user. */
  path: string;
  kind: InputKind;
  /** The file read: the newest complete snapshot of a data directory, else the path itself. */
  dataFile: string;
  /** The snapshot's `.meta` beside it, when there is one. */
  metaFile: string | null;
  /** How the snapshot is stored; undefined for a SQLite file. */
  compression: Compression | undefined;
  /** The data directory's listing, when the input was one. */
  dataDir: DataDirListing | null;
  bytesOnDisk: number;
  /** What the data file will be once uncompressed, as far as its header says (else its size). */
  expectedBytes: number;
  /** The data file's modification time (ISO 8601). */
  modifiedAt: string;
}

/** Decide what `path` is and which file to read: each path's first bytes are read once. */
export async function resolveInput(path: string): Promise<ResolvedInput> {
  const detected = await detectInput(path);
  let dataDir: DataDirListing | null = null;
  let dataFile = path;
  let compression = detected.compression;
  let declaredBytes = detected.declaredBytes;
  if (detected.kind === 'data-dir') {
    dataDir = await readDataDir(path);
    const newest = dataDir.snapshots[0];
    if (!newest) {
      const more = dataDir.incompleteCount - dataDir.incomplete.length;
      const pending =
        dataDir.incomplete.map((item) => `${item.file} (${item.reason})`).join(', ') +
        (more > 0 ? ` and ${more} more` : '');
      throw new AnalyzerError(
        'DQA_DIR_NO_SNAPSHOT',
        `${path} holds no complete snapshot: expected a snapshot-TERM-INDEX-TS file with its ` +
          `snapshot-TERM-INDEX-TS.meta beside it; found ${pending ? `only incomplete ones: ${pending}` : await describeEntries(path)}`,
        { path },
      );
    }
    dataFile = newest.dataFile;
    const inner = await detectInput(dataFile);
    if (inner.kind !== 'snapshot') {
      throw new AnalyzerError('DQA_INPUT_UNKNOWN', `${dataFile} is not a dqlite snapshot`, {
        path: dataFile,
      });
    }
    compression = inner.compression;
    declaredBytes = inner.declaredBytes;
  }
  const info = await stat(dataFile);
  const metaFile = detected.kind !== 'sqlite' && existsSync(`${dataFile}.meta`) ? `${dataFile}.meta` : null;
  return {
    path,
    kind: detected.kind,
    dataFile,
    metaFile,
    compression,
    dataDir,
    bytesOnDisk: info.size,
    expectedBytes: declaredBytes ?? info.size,
    modifiedAt: info.mtime.toISOString(),
  };
}

// raft would refuse a damaged newest snapshot too, so the analysis does not silently fall back to
// an older one; it names it, for the user to analyse on purpose.
export function withOlderSnapshotHint(error: unknown, dataDir: DataDirListing | null): unknown {
  const older = dataDir?.snapshots[1];
  if (!(error instanceof AnalyzerError) || !older) return error;
  return new AnalyzerError(
    error.code,
    `${error.message}; an older complete snapshot is ${older.dataFile}: analyse it by giving that file`,
    { ...error.details, olderSnapshot: older.dataFile },
    { cause: error },
  );
}

/** What a directory without a snapshot holds, in a few words: a count and the first names. */
async function describeEntries(path: string): Promise<string> {
  const names = (await readdir(path).catch(() => [] as string[])).sort();
  if (names.length === 0) return 'an empty directory';
  const shown = names.slice(0, 5).join(', ');
  return `${names.length} ${names.length === 1 ? 'entry' : 'entries'}, none a snapshot (${shown}${names.length > 5 ? ', …' : ''})`;
}
