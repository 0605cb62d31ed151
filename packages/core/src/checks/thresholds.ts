// Every threshold and model constant the checks use, in one export list for the README and for
// callers that want to show them next to a finding.

export {
  COMPACTION_BACKLOG_CRITICAL_HISTORY_TO_LIVE,
  COMPACTION_BACKLOG_MIN_HISTORY_TO_LIVE,
  COMPACTION_BACKLOG_MIN_ROWS,
} from './compaction-backlog.js';
export { FRAGMENTATION_IN_USE_RATIO, FRAGMENTATION_MIN_FILE_BYTES } from './fragmentation.js';
export { COMPACT_REVISION_LAG_WARNING, GAP_ROWS_WARNING } from './kine-bookkeeping.js';
export { LEASE_TRANSITIONS_CRITICAL, LEASE_TRANSITIONS_WARNING } from './leader-election-churn.js';
export { IPAM_LEAK_CRITICAL, IPAM_LEAK_WARNING } from './leaked-ipam.js';
export {
  ASSUMED_LZ4_RATIO,
  DISK_WRITE_BYTES_PER_SECOND,
  KINE_RETRY_BUDGET_SECONDS,
  KINE_RETRY_TRIES,
  LZ4_COMPRESS_BYTES_PER_SECOND,
} from './lock-window.js';
export { LOCK_WINDOW_CRITICAL_SECONDS, LOCK_WINDOW_WARNING_SECONDS } from './snapshot-lock-window.js';
export {
  HOT_KEY_CRITICAL_SHARE,
  HOT_KEY_MIN_REVISIONS,
  HOT_KEY_MIN_SHARE,
  HOT_PREFIX_MIN_HISTORY_ROWS,
  HOT_PREFIX_MIN_SHARE,
} from './write-hot-spot.js';
export {
  WRITE_STORM_CRITICAL_FACTOR,
  WRITE_STORM_KEY_PER_MINUTE,
  WRITE_STORM_LEASE_PER_MINUTE,
  WRITE_STORM_MIN_REVISIONS,
  WRITE_STORM_RESOURCE_PER_MINUTE,
} from './write-storm.js';
