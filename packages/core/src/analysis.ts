import type { KineRevisions } from './kine/revisions.js';
import type { KineSchema } from './kine/schema.js';
import type { RaftServer } from './raft/meta.js';
import type { DataDirListing } from './source/data-dir.js';
import type { Compression, InputKind } from './source/detect.js';
import type { BtreeUsage } from './sqlite/btrees.js';

/** Bumped when a field of the JSON form is renamed or removed; adding fields keeps it. */
export const ANALYSIS_SCHEMA_VERSION = 1;

/** Everything the analyzer found in one input: plain data, JSON-safe, no formatting. */
export interface Analysis {
  schemaVersion: typeof ANALYSIS_SCHEMA_VERSION;
  /** When the analysis ran (ISO 8601). */
  analyzedAt: string;
  source: SourceInfo;
  /** Raft facts of the snapshot; null for a plain SQLite file. */
  raft: RaftInfo | null;
  /** The data directory the snapshot was picked from, when the input was a directory. */
  dataDir: DataDirListing | null;
  databases: DatabaseAnalysis[];
  /** The kine database in depth; null when no database is kine (only with requireKine: false). */
  kine: KineAnalysis | null;
  /** Seconds spent in each step. */
  timings: Partial<Record<Step, number>>;
}

export type Step = 'extract' | 'open' | 'pages' | 'btrees' | 'kine' | 'vacuum';

export interface SourceInfo {
  /** The path given by the user. */
  path: string;
  kind: InputKind;
  /** The file actually read: the picked snapshot for a directory, else the path itself. */
  dataFile: string;
  metaFile: string | null;
  compression: Compression | null;
  bytesOnDisk: number;
  /** Uncompressed payload bytes (the file size for raw snapshots and SQLite files). */
  payloadBytes: number;
  /** The data file's modification time: the wall-clock time the snapshot was written. */
  modifiedAt: string;
}

export interface RaftInfo {
  /** From the file name; null when the file is not named `snapshot-TERM-INDEX-TS`. */
  term: number | null;
  index: number | null;
  /** libuv monotonic milliseconds (about the node's uptime) when the snapshot was taken; not a date. */
  timestamp: number | null;
  /** From the .meta file; null when no .meta was found beside the data file. */
  configurationIndex: number | null;
  servers: RaftServer[];
}

export interface DatabaseAnalysis {
  name: string;
  pageSize: number;
  /** Pages after the WAL is applied (`PRAGMA page_count`). */
  pageCount: number;
  freelistCount: number;
  /** pageCount × pageSize: the database as dqlite would serialise it next. */
  fileBytes: number;
  /** Main file bytes as stored in the payload. */
  mainFileBytes: number;
  /** WAL bytes stored in the payload (0 for dqlite ≥ 1.17, which merges the WAL). */
  walBytes: number;
  walFrames: number;
  /** WAL frames SQLite replays (valid and committed); fewer than walFrames means a torn WAL. */
  walCommittedFrames: number;
  /** freelistCount × pageSize. */
  freeBytes: number;
  /** freelistCount / pageCount (0 for an empty database). */
  freePageShare: number;
  /** Exact size after VACUUM (VACUUM INTO on the copy); only with the vacuum option. */
  vacuumedBytes?: number;
  /** Size after VACUUM estimated from the b-tree figures. */
  estimatedVacuumedBytes: number;
  /** `PRAGMA user_version`. */
  userVersion: number;
  isKine: boolean;
  tables: string[];
  objects: BtreeUsage[];
}

export interface KineAnalysis extends KineRevisions {
  /** The database holding the kine table (normally `k8s`). */
  database: string;
  schema: KineSchema;
  /** fileBytes / liveBytes: how many times larger the file is than its live rows; null without live rows. */
  fragmentationRatio: number | null;
}
