export * from './analysis-types.js';
export { type AnalyzeOptions, analyze } from './analyze.js';
export { ANALYSIS_LIST_LIMIT } from './bounded-lists.js';
export { bundledModuleUrl } from './bundled.js';
export { CHECKS, type Check, runChecks } from './checks/index.js';
export { type SnapshotCost, type SnapshotCosts, snapshotCosts } from './checks/lock-window.js';
export * from './checks/thresholds.js';
export {
  isStorm,
  type StormWriter,
  stormThresholdOfKey,
  stormWriters,
  writeCandidates,
} from './checks/write-storm.js';
export { serveAnalysisChild } from './child/serve.js';
export { type CompareOptions, compare } from './compare.js';
export * from './errors.js';
export { FINDING_IDS, type FindingId, isFindingId } from './finding-id.js';
export { formatBytes, formatCount, formatPercent, plural } from './format.js';
export { jsonText } from './json-text.js';
export { INTERVAL_HINT, MIN_INTERVAL_SECONDS } from './kine/compare.js';
export { HOT_KEYS_LIMIT, type HotKey } from './kine/hot-keys.js';
export type { KeyGroupUsage, NamespaceUsage, PrefixUsage, ValueClassCounts } from './kine/prefixes.js';
export type { KineRevisions } from './kine/revisions.js';
export type { KineSchema } from './kine/schema.js';
export { type EventObjectWrites, type KeyWrites, type PrefixWrites, writerOfKey } from './kine/writes.js';
export { cutMiddle, STRING_LIMIT } from './long-strings.js';
export { raftCrc32 } from './raft/crc32.js';
export { LZ4_MAGIC, Lz4FrameDecoder, type Lz4FrameInfo } from './raft/lz4-frame.js';
export { parseMeta, type RaftRole, type RaftServer, readMeta, type SnapshotMeta } from './raft/meta.js';
export {
  compareSnapshotNames,
  parseMetaName,
  parseSnapshotName,
  type SnapshotName,
} from './raft/snapshot-name.js';
export type {
  ClusterObjects,
  ControllerRbac,
  DecodeStats,
  IpamLeak,
  IpamLeakReason,
  IpamSummary,
  LeaseRecord,
  SecretHistory,
  StoredClusterRole,
  WebhookRecord,
} from './scan/index.js';
export {
  type DataDirListing,
  DEFAULT_TUNING,
  type IncompleteSnapshot,
  type NodeInfo,
  parseGoDuration,
  readDataDir,
  type SnapshotFiles,
  type Tuning,
} from './source/data-dir.js';
export { CANONICAL_KUBERNETES_DATA_DIR, MICROK8S_DATA_DIR } from './source/data-dirs.js';
export type { Compression, InputKind } from './source/detect.js';
export type { Progress, ProgressListener } from './source/snapshot-file.js';
export type { BtreeUsage } from './sqlite/btrees.js';
export type { IntegrityMode, IntegrityResult } from './sqlite/integrity.js';
