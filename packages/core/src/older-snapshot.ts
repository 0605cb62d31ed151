import { stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { ComparedSnapshot } from './analysis-types.js';
import { AnalyzerError } from './errors.js';
import type { ExtractedDatabase } from './fsm/extract.js';
import { createPrivateDir } from './io/temp-dir.js';
import { detectKineSchema } from './kine/schema.js';
import { readMeta, type SnapshotMeta } from './raft/meta.js';
import { lineageOf } from './raft/snapshot-lineage.js';
import { parseSnapshotName } from './raft/snapshot-name.js';
import { type DataDirListing, type NodeInfo, readDataDir, type SnapshotFiles } from './source/data-dir.js';
import { detectInput } from './source/detect.js';
import { extractSnapshot } from './source/snapshot-file.js';
import { openCopy } from './sqlite/open.js';

/**
 * Why a newer snapshot cannot be compared with the older one read by readOlderSnapshot, or null:
 * the revision counter runs backwards, or the names, .meta files and info.yaml contradict one
 * node's history (lineageOf), e.g. another cluster's snapshot copied into the directory.
 */
export function olderSnapshotMismatch(older: ComparedSnapshot, newer: ComparedSnapshot): string | null {
  if (newer.currentRevision < older.currentRevision) {
    return (
      `no write rate: the older snapshot ${older.dataFile} is at revision ${older.currentRevision}, past the ` +
      `newest (${newer.currentRevision}): the two are not one node's history`
    );
  }
  const lineage = lineageOf(older, newer);
  if (lineage.relation === 'different') {
    return `no write rate: the older snapshot ${older.dataFile} is not this node's history: ${lineage.note}`;
  }
  return null;
}

export interface OlderReadOptions {
  tempDir?: string | undefined;
  /** Keep the older kine database's copy (closed, WAL merged); returns where it went. */
  keep?: ((database: ExtractedDatabase) => string) | undefined;
}

/** The older snapshot of a data directory, or why the writes since it cannot be measured. */
export type OlderSnapshot =
  | { snapshot: ComparedSnapshot; unavailable: null }
  | { snapshot: null; unavailable: string };

const REVISIONS_SQL = `SELECT (SELECT max(id) FROM kine) AS currentRevision,
  (SELECT max(prev_revision) FROM kine WHERE name = 'compact_rev_key') AS compactRevision`;

/**
 * Read the revision counter of the data directory's second-newest complete snapshot, which raft
 * keeps beside the newest (canonical/raft: it removes all but the two newest after each snapshot).
 * Only its two revision figures survive: the copy is extracted, read with two indexed lookups, and
 * removed before the newer snapshot is extracted, so the peak memory and disk stay those of one
 * snapshot.
 */
export async function readOlderSnapshot(
  listing: DataDirListing,
  options: OlderReadOptions = {},
): Promise<OlderSnapshot> {
  const older = listing.snapshots[1];
  if (older) return readOlderSnapshotFile(older, listing.node ?? null, options);
  const pending = listing.incomplete.filter((i) => i.reason !== 'temporary-file');
  const shown = pending
    .slice(0, 3)
    .map((i) => `${i.file}: ${i.reason}`)
    .join(', ');
  const more = pending.length > 3 ? ` and ${pending.length - 3} more` : '';
  const unavailable =
    pending.length > 0
      ? `no write rate: no older complete snapshot; incomplete: ${shown}${more}`
      : 'no write rate: the data directory holds one complete snapshot (raft keeps the previous one ' +
        'beside the next; analyse again after the next snapshot, or compare two with dqlite-analyze compare)';
  return { snapshot: null, unavailable };
}

/**
 * The same for a given older snapshot file (the agent passes the previous one it analysed), which
 * must be a complete snapshot (data and .meta) of the same node; `node` from its info.yaml. The
 * .meta is read first: its configuration says whose history the snapshot is (olderSnapshotMismatch).
 */
export async function readOlderSnapshotFile(
  older: SnapshotFiles,
  node: Pick<NodeInfo, 'id' | 'address'> | null,
  options: OlderReadOptions = {},
): Promise<OlderSnapshot> {
  let revisions: { currentRevision: number; compactRevision: number | null } | undefined;
  let meta: SnapshotMeta;
  try {
    meta = await readMeta(older.metaFile);
    revisions = await readRevisions(older, options);
  } catch (error) {
    const why = error instanceof AnalyzerError ? `${error.code}: ${error.message}` : String(error);
    return {
      snapshot: null,
      unavailable: `no write rate: the older snapshot ${older.dataFile} cannot be read (${why})`,
    };
  }
  if (!revisions) {
    return {
      snapshot: null,
      unavailable: `no write rate: the older snapshot ${older.dataFile} holds no kine table`,
    };
  }
  return {
    snapshot: {
      path: older.dataFile,
      dataFile: older.dataFile,
      directory: resolve(dirname(older.dataFile)),
      nodeId: node?.id ?? null,
      nodeAddress: node?.address ?? null,
      configurationIndex: meta.configurationIndex,
      servers: meta.servers,
      term: older.name.term,
      index: older.name.index,
      timestampMs: older.name.timestampMs,
      modifiedAt: older.modifiedAt,
      ...revisions,
    },
    unavailable: null,
  };
}

async function readRevisions(
  files: SnapshotFiles,
  options: OlderReadOptions,
): Promise<{ currentRevision: number; compactRevision: number | null; copyPath?: string } | undefined> {
  const { compression } = await detectInput(files.dataFile);
  const dir = createPrivateDir(options.tempDir);
  try {
    const { databases } = await extractSnapshot(files.dataFile, compression ?? 'none', dir.path);
    // k8s-dqlite's database is `k8s`; any other kine database only when there is no `k8s`.
    const ordered = [...databases].sort((a, b) => Number(b.name === 'k8s') - Number(a.name === 'k8s'));
    for (const database of ordered) {
      if (database.mainBytes === 0 && database.walBytes === 0) continue;
      const db = openCopy(database.mainPath, `database "${database.name}" of ${files.dataFile}`);
      let row: { currentRevision: number | null; compactRevision: number | null } | undefined;
      try {
        if (!detectKineSchema(db)) continue;
        row = db.prepare(REVISIONS_SQL).get() as typeof row;
      } finally {
        db.close();
      }
      const revisions = {
        currentRevision: Number(row!.currentRevision ?? 0),
        compactRevision: row!.compactRevision,
      };
      return options.keep ? { ...revisions, copyPath: options.keep(database) } : revisions;
    }
    return undefined;
  } finally {
    dir.release();
  }
}

/** readOlderSnapshotFile for a path: the previous snapshot the caller analysed, if still there. */
export async function readOlderSnapshotAt(
  path: string,
  options: OlderReadOptions = {},
): Promise<OlderSnapshot> {
  const name = parseSnapshotName(basename(path));
  const [data, meta] = await Promise.all([
    stat(path).catch(() => undefined),
    stat(`${path}.meta`).catch(() => undefined),
  ]);
  if (!name || !data?.isFile() || data.size === 0 || !meta?.isFile()) {
    return {
      snapshot: null,
      unavailable: `no write rate: the previous snapshot ${path} is gone or incomplete (raft keeps only the two newest)`,
    };
  }
  const listing = await readDataDir(dirname(path)).catch(() => undefined);
  const files: SnapshotFiles = {
    dataFile: path,
    metaFile: `${path}.meta`,
    name,
    bytesOnDisk: data.size,
    modifiedAt: data.mtime.toISOString(),
  };
  return readOlderSnapshotFile(files, listing?.node ?? null, options);
}
