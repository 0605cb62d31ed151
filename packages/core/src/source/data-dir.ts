import { readdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { AnalyzerError, isOpenFileLimit, openFileLimitError } from '../errors.js';
import { openRegularFile } from '../io/read-only.js';
import { parseNodeYaml } from '../plain-yaml.js';
import {
  compareSnapshotNames,
  parseMetaName,
  parseSnapshotName,
  type SnapshotName,
} from '../raft/snapshot-name.js';

/** A node as go-dqlite's info.yaml / cluster.yaml describe it. */
export interface NodeInfo {
  id: string;
  address: string;
  /** cluster.yaml's codes are 0 voter, 1 standby, 2 spare (go-dqlite numbering, not raft's). */
  role: 'voter' | 'standby' | 'spare' | 'unknown';
}

/** Snapshot parameters in force: from tuning.yaml, or k8s-dqlite's defaults when it is absent. */
export interface Tuning {
  source: 'tuning.yaml' | 'defaults';
  snapshotThreshold: number;
  snapshotTrailing: number;
  /** Seconds between kine compactions. */
  compactIntervalSeconds: number;
}

/** A complete snapshot: a data file with its .meta. */
export interface SnapshotFiles {
  dataFile: string;
  metaFile: string;
  name: SnapshotName;
  bytesOnDisk: number;
  modifiedAt: string;
}

/** A snapshot file that is not (yet) usable, and why. */
export interface IncompleteSnapshot {
  file: string;
  reason: 'meta-without-data' | 'data-without-meta' | 'empty-data' | 'temporary-file';
}

export interface DataDirListing {
  path: string;
  /** Complete snapshots, newest first (raft's order: term, index, timestamp); the first LISTED_FILES. */
  snapshots: SnapshotFiles[];
  /** How many complete snapshots there are in all. */
  snapshotCount: number;
  /** Snapshot files not (yet) usable, in name order; the first LISTED_FILES. */
  incomplete: IncompleteSnapshot[];
  /** How many there are in all. */
  incompleteCount: number;
  node: NodeInfo | undefined;
  members: NodeInfo[] | undefined;
  tuning: Tuning;
}

// k8s-dqlite ≥ 1.8 defaults (pkg/server/server.go): threshold 512, trailing 4096, compaction every 5 min.
export const DEFAULT_TUNING: Tuning = {
  source: 'defaults',
  snapshotThreshold: 512,
  snapshotTrailing: 4096,
  compactIntervalSeconds: 300,
};

// raft keeps two snapshots (and one being written): a directory with thousands is damage or a
// crafted input, and its listing must not make the analysis (or an error line) grow with it.
export const LISTED_FILES = 10;

const CLUSTER_ROLES: Record<string, NodeInfo['role']> = { '0': 'voter', '1': 'standby', '2': 'spare' };

/**
 * List a dqlite data directory: snapshots (complete and not), node identity, members, tuning.
 * `entries`: the directory's names, when the caller has just listed it for more than this (the
 * agent reads the Raft log from the same listing).
 */
export async function readDataDir(path: string, entries?: readonly string[]): Promise<DataDirListing> {
  let names: string[];
  try {
    names = entries ? [...entries] : await readdir(path);
  } catch (cause) {
    if (isOpenFileLimit(cause)) throw openFileLimitError(`cannot list ${path}`, cause);
    const code = (cause as NodeJS.ErrnoException).code ?? 'error';
    throw new AnalyzerError(
      'DQA_INPUT_UNREADABLE',
      `${path} cannot be listed (${code})`,
      { path },
      { cause },
    );
  }
  const present = new Set(names);
  const snapshots: SnapshotFiles[] = [];
  const incomplete: IncompleteSnapshot[] = [];
  for (const file of names.sort()) {
    if (file.startsWith('tmp-')) {
      // raft writes into tmp-* and renames when the file is complete (docs/formats.md §1.5).
      incomplete.push({ file, reason: 'temporary-file' });
      continue;
    }
    const metaName = parseMetaName(file);
    if (metaName) {
      const dataFile = file.slice(0, -'.meta'.length);
      if (!present.has(dataFile)) incomplete.push({ file, reason: 'meta-without-data' });
      continue;
    }
    const name = parseSnapshotName(file);
    if (!name) continue;
    if (!present.has(`${file}.meta`)) {
      incomplete.push({ file, reason: 'data-without-meta' });
      continue;
    }
    const info = await stat(join(path, file)).catch(() => undefined);
    if (!info) continue; // removed between readdir and stat: raft prunes old snapshots
    if (info.size === 0) {
      incomplete.push({ file, reason: 'empty-data' });
      continue;
    }
    snapshots.push({
      dataFile: join(path, file),
      metaFile: join(path, `${file}.meta`),
      name,
      bytesOnDisk: info.size,
      modifiedAt: info.mtime.toISOString(),
    });
  }
  snapshots.sort((a, b) => compareSnapshotNames(b.name, a.name));
  return {
    path,
    snapshots: snapshots.slice(0, LISTED_FILES),
    snapshotCount: snapshots.length,
    incomplete: incomplete.slice(0, LISTED_FILES),
    incompleteCount: incomplete.length,
    node: toNode(await readYaml(join(path, 'info.yaml'))),
    members: toMembers(await readYaml(join(path, 'cluster.yaml'))),
    tuning: toTuning(await readYaml(join(path, 'tuning.yaml'))),
  };
}

// info.yaml and friends are a few hundred bytes; a larger one is not worth reading.
const MAX_YAML_BYTES = 64 * 1024;

// Optional node files: anything odd (missing, not a regular file, huge, not YAML) reads as absent.
async function readYaml(path: string): Promise<unknown> {
  let text: string;
  try {
    const { handle, size } = await openRegularFile(path);
    try {
      if (size > MAX_YAML_BYTES) return undefined;
      const bytes = Buffer.alloc(size);
      const { bytesRead } = await handle.read(bytes, 0, size, 0);
      text = bytes.toString('utf8', 0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
  // Node ids are u64: keep them exact (bigint). The files as go-dqlite writes them need no yaml
  // package (plain-yaml.ts); anything else loads it here, on first use.
  const plain = parseNodeYaml(text);
  if (plain !== undefined) return plain;
  // require, not import(): a bundle (scripts/bundle.ts) turns it into its own bundled require, where
  // a dynamic import() of this CommonJS package would keep only its default export.
  const { parse } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  try {
    return parse(text, { intAsBigInt: true });
  } catch {
    return undefined;
  }
}

function toNode(value: unknown): NodeInfo | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  if (record.ID === undefined || record.Address === undefined) return undefined;
  return {
    id: String(record.ID),
    address: String(record.Address),
    role: CLUSTER_ROLES[String(record.Role ?? '')] ?? 'unknown',
  };
}

function toMembers(value: unknown): NodeInfo[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.map(toNode).filter((node): node is NodeInfo => node !== undefined);
}

function toTuning(value: unknown): Tuning {
  if (!value || typeof value !== 'object') return DEFAULT_TUNING;
  const record = value as Record<string, unknown>;
  const snapshot = (record.snapshot ?? {}) as Record<string, unknown>;
  const interval = record['kine-compact-interval'];
  return {
    source: 'tuning.yaml',
    snapshotThreshold: toNumber(snapshot.threshold) ?? DEFAULT_TUNING.snapshotThreshold,
    snapshotTrailing: toNumber(snapshot.trailing) ?? DEFAULT_TUNING.snapshotTrailing,
    compactIntervalSeconds:
      (typeof interval === 'string' ? parseGoDuration(interval) : undefined) ??
      DEFAULT_TUNING.compactIntervalSeconds,
  };
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'bigint' || typeof value === 'number') return Number(value);
  return undefined;
}

const DURATION_UNITS: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

/** Parse a Go duration string ("5m", "1m30s", "500ms") into seconds; undefined if malformed. */
export function parseGoDuration(text: string): number | undefined {
  const parts = [...text.trim().matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text.trim()) return undefined;
  return parts.reduce((sum, p) => sum + Number(p[1]) * DURATION_UNITS[p[2]!]!, 0);
}
