import type { FindingId } from './finding-id.js';
import type { HotKey } from './kine/hot-keys.js';
import type { PrefixUsage } from './kine/prefixes.js';
import type { KineRevisions } from './kine/revisions.js';
import type { KineSchema } from './kine/schema.js';
import type { EventObjectWrites, KeyWrites, PrefixWrites } from './kine/writes.js';
import type { RaftServer } from './raft/meta.js';
import type { Lineage } from './raft/snapshot-lineage.js';
import type { ClusterObjects, DecodeStats, LeaseRecord } from './scan/index.js';
import type { DataDirListing } from './source/data-dir.js';
import type { Compression, InputKind } from './source/detect.js';
import type { BtreeUsage } from './sqlite/btrees.js';
import type { IntegrityResult } from './sqlite/integrity.js';

/**
 * Bumped when a field of the JSON form is renamed or removed; adding fields keeps it. The old name
 * is not kept beside the new one: two names for one figure is what a rename is meant to end.
 * 2: `kine.fragmentationRatio` became `kine.fileToLiveRatio` ("fragmentation" is the free-page
 * share alone); `lockWindowEstimate` added.
 */
export const ANALYSIS_SCHEMA_VERSION = 2;

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
  /** kine rows per storage prefix (resource), largest first; empty without a kine database. */
  prefixes: PrefixUsage[];
  /** Keys with the most retained revisions, most first. */
  hotKeys: HotKey[];
  /** Every Lease's latest value, most leaseTransitions first. */
  leases: LeaseRecord[];
  /** Decoded objects the findings read (webhooks, controller RBAC, Calico IPAM, Secret counts). */
  objects: ClusterObjects | null;
  /** Per decoded resource: values read, decoded, encrypted at rest, undecodable. */
  decoding: DecodeStats[];
  /**
   * The modelled time one snapshot of this input keeps the node busy, against kine's retry budget:
   * always given (the `snapshot-lock-window` finding only fires from its warning threshold on);
   * null without any database.
   */
  lockWindowEstimate: LockWindow | null;
  /**
   * What was written between the data directory's two newest snapshots (raft keeps both): per
   * resource (`writesByPrefix`), per key (`writes`, top writers first) and per involved object of
   * Events, per minute over the interval from the file names. The total (`revisionsWritten`) is
   * exact, from kine's revision counter; `compactedRevisions` of it cannot be attributed to a key.
   * Null when there is no write rate; `writesUnavailable` then says why.
   */
  writes: Comparison | null;
  /** Why `writes` is null (one snapshot, an incomplete or unreadable older one, …); null when measured. */
  writesUnavailable: string | null;
  /** What the checks concluded, most severe first. */
  findings: Finding[];
  /**
   * True when part of the input could not be read, so figures may be low: a torn WAL whose
   * last frames SQLite does not replay, or a database that fails SQLite's integrity check.
   * `warnings` says what and where.
   */
  partial: boolean;
  /** Plain-words notes on anything read only in part or skipped (also when not partial). */
  warnings: string[];
  /**
   * Lists cut to their first ANALYSIS_LIST_LIMIT (1,000) entries: each one's path (`objects.webhooks`,
   * `leases`, `databases[0].tables`) and its full length; empty when none was cut. The findings were
   * judged on the whole lists. A cut `databases` keeps the kine database (as its last entry).
   */
  truncatedLists: Record<string, number>;
  /** Seconds spent in each step. */
  timings: Partial<Record<Step, number>>;
}

export type Step =
  | 'extract'
  | 'open'
  | 'pages'
  | 'btrees'
  | 'kine'
  | 'objects'
  | 'findings'
  | 'integrity'
  | 'vacuum';

/** The lock-window model's figures for one input (packages/core/src/checks/lock-window.ts). */
export interface LockWindow {
  /** LZ4 time of the payload plus disk time of what is written, seconds. */
  estimatedSeconds: number;
  /** kine's retry budget for a locked write, seconds (about 1). */
  budgetSeconds: number;
  /** The uncompressed payload (all databases) and what lands on disk. */
  payloadBytes: number;
  writtenBytes: number;
  /** True when the compression ratio is assumed (the input is not a compressed snapshot). */
  ratioAssumed: boolean;
  /** The same after VACUUM, and after compaction of the history and VACUUM. */
  afterVacuumSeconds: number;
  afterCompactionSeconds: number;
}

/** How urgent a finding is. */
export type Severity = 'info' | 'warning' | 'critical';

/** A machine-readable figure behind a finding (the evidence lines say the same in words). */
export type FindingValue = number | string | boolean | null | readonly string[] | readonly number[];

/** One conclusion of a check: what is wrong, the facts to verify it by hand, and what to run. */
export interface Finding {
  /** Stable identifier of the check that raised it (FINDING_IDS), e.g. `fragmentation`, `abandoned-webhook`. */
  id: FindingId;
  severity: Severity;
  title: string;
  /** Facts an operator can verify by hand: numbers, keys, and the query or command that shows them. */
  evidence: string[];
  /** The exact commands (and manifests) that fix it, as one copy-pasteable block. */
  remediation: string;
  /** The numbers behind the evidence, for tests, alerts and dashboards. */
  data: Record<string, FindingValue>;
}

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
  /** Leading WAL frames with valid salts and checksums; walCommittedFrames ≤ this ≤ walFrames. A gap to
   * walFrames is a torn WAL; a gap between this and walCommittedFrames is an uncommitted tail. */
  walValidFrames: number;
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
  /** SQLite's quick_check / integrity_check on the copy; null when skipped. */
  integrity: IntegrityResult | null;
  /** Where the copy was kept (keepCopiesIn option): the database with its WAL applied. */
  copyPath?: string;
}

export interface KineAnalysis extends KineRevisions {
  /** The database holding the kine table (normally `k8s`). */
  database: string;
  schema: KineSchema;
  /**
   * fileBytes / liveBytes: how many times larger the file is than its live rows (history rows and free
   * pages both raise it); null without live rows. Not fragmentation: that is the free-page share
   * (DatabaseAnalysis.freePageShare), what the `fragmentation` finding and etcd's alert judge.
   */
  fileToLiveRatio: number | null;
  /**
   * gap-* rows at or below the compact revision: the ones a DELETE may remove now (k8s-dqlite >= 1.3.5
   * removes them in compaction, canonical/k8s-dqlite#313). The others wait for compaction to pass them.
   */
  gapRowsCompacted: number;
}

/** One side of a comparison: where the snapshot came from and its revisions. */
export interface ComparedSnapshot {
  path: string;
  dataFile: string;
  /** Directory holding the data file: one directory means one node. */
  directory: string;
  /** The node's id and address from the info.yaml beside the data file; null when there is none (a copied file). */
  nodeId: string | null;
  nodeAddress: string | null;
  term: number | null;
  index: number | null;
  /** libuv monotonic milliseconds from the file name; comparable only within one boot of one node. */
  timestampMs: number | null;
  /** The data file's modification time (ISO 8601). */
  modifiedAt: string;
  currentRevision: number;
  compactRevision: number | null;
  /** From the .meta: the Raft configuration's index and members; null without a .meta (a SQLite file). */
  configurationIndex: number | null;
  servers: RaftServer[] | null;
  /** The kine database's kept copy (keepCopiesIn), for checking the counts with sqlite3. */
  copyPath?: string;
}

/** How two compared snapshots relate: one node's, one cluster's, or not known. */
export type ComparedLineage = Exclude<Lineage, { relation: 'different' }>;

/** Where the time between two snapshots came from. */
export type IntervalSource = 'given' | 'snapshot-timestamps' | 'file-mtimes';

/** What was written between two snapshots of the same cluster (compare(older, newer)). */
export interface Comparison {
  schemaVersion: typeof ANALYSIS_SCHEMA_VERSION;
  older: ComparedSnapshot;
  newer: ComparedSnapshot;
  /**
   * Whose history the two are, from their names, .meta files and info.yaml (raft/snapshot-lineage.ts);
   * snapshots that contradict one history are never compared.
   */
  lineage: ComparedLineage;
  /** Seconds between the two snapshots; null when unknown. */
  intervalSeconds: number | null;
  intervalSource: IntervalSource | null;
  /** Why that time base was used (or why there is none). */
  intervalNote: string;
  /** newer.currentRevision − older.currentRevision: every revision issued in between. */
  revisionsWritten: number;
  /** Rows written in between that the newer snapshot still holds (kine's bookkeeping rows excluded). */
  retainedRows: number;
  /** kine's own rows written in between (gap-* fillers, compact_rev_key): not a client's write. */
  bookkeepingRows: number;
  /**
   * Revisions written in between whose rows compaction removed before the newer snapshot:
   * revisionsWritten − retainedRows − bookkeepingRows. Counted in the total, attributed to no key.
   */
  compactedRevisions: number;
  revisionsPerMinute: number | null;
  /**
   * True when the newer snapshot was compacted past the older one's current revision: rows written in
   * between may be gone, so per-key counts are lower bounds.
   */
  compactedBetween: boolean;
  /** Keys written in between, most first (top 50). */
  writes: KeyWrites[];
  /** The same per storage prefix (all of them). */
  writesByPrefix: PrefixWrites[];
  /** Events per involved object, most first (top 50): a failing controller's Events land here. */
  eventObjects: EventObjectWrites[];
}
