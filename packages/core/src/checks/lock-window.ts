import type { Analysis } from '../analysis-types.js';

// A model of how long one snapshot keeps a dqlite node busy, from two throughput constants.
// While raft writes a snapshot, dqlite holds WAL read lock 0 on every database so no checkpoint can
// run (VfsAcquireSnapshot, canonical/dqlite:src/vfs.c@4ac95cde; databaseReadLock in src/fsm.c@v1.11.1),
// and the node's disk is busy with the compressed copy while the raft log still needs fsyncs for every
// commit. A write that waits longer than kine's retry budget fails with "database is locked".

/**
 * LZ4 fast-mode compression throughput, bytes/s: the lz4 README's figure for LZ4 v1.9 level 1 on one
 * core of a Core i7-9700K (lzbench, Silesia corpus). Measured for comparison on the build machine
 * (AMD EPYC, lz4 v1.9.4, `lz4 -b1 -i3` on a 43 MB kine-shaped database): 1722 MB/s; small edge
 * nodes (Raspberry Pi class) are several times slower.
 */
export const LZ4_COMPRESS_BYTES_PER_SECOND = 780e6;
/**
 * Sequential write throughput of the disk the snapshot lands on, bytes/s: the baseline of an AWS EBS
 * gp3 volume (125 MiB/s, docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html), an ordinary
 * cloud disk; SD cards and small SSDs are slower.
 */
export const DISK_WRITE_BYTES_PER_SECOND = 125 * 1024 * 1024;
/**
 * Ratio assumed when the input was not a compressed snapshot (a SQLite file, or an uncompressed
 * snapshot): canonical/raft#198 measured 8:1 to 12:1 on microk8s snapshots; 8 is the cautious end.
 */
export const ASSUMED_LZ4_RATIO = 8;
/**
 * kine's retry budget, seconds: k8s-dqlite retries a locked statement 500 times in a tight loop with
 * no backoff (maxRetries = 500, pkg/backend/dqlite/driver.go), each try a round trip to the leader;
 * canonical/microk8s#5153 logged 327 tries in one second, so the 500 tries last about 1 s.
 */
export const KINE_RETRY_BUDGET_SECONDS = 1;
export const KINE_RETRY_TRIES = 500;

/** The modelled busy time of one snapshot of a given size. */
export interface SnapshotCost {
  /** Uncompressed snapshot payload (all databases). */
  payloadBytes: number;
  /** What lands on disk: the payload at the input's compression ratio. */
  writtenBytes: number;
  compressSeconds: number;
  writeSeconds: number;
  /** compressSeconds + writeSeconds. */
  seconds: number;
}

/** Cost of serialising `payloadBytes` that compress to `writtenBytes`. */
export function snapshotCost(payloadBytes: number, writtenBytes: number): SnapshotCost {
  const compressSeconds = payloadBytes / LZ4_COMPRESS_BYTES_PER_SECOND;
  const writeSeconds = writtenBytes / DISK_WRITE_BYTES_PER_SECOND;
  return {
    payloadBytes,
    writtenBytes,
    compressSeconds,
    writeSeconds,
    seconds: compressSeconds + writeSeconds,
  };
}

/** The current snapshot, and the same after VACUUM and after compaction + VACUUM. */
export interface SnapshotCosts {
  current: SnapshotCost;
  /** Bytes written / payload bytes of the input snapshot (1 / ASSUMED_LZ4_RATIO for a SQLite file). */
  ratio: number;
  ratioAssumed: boolean;
  afterVacuum: SnapshotCost;
  /** After kine compacts its history rows as well (their bytes leave the file). */
  afterCompactionAndVacuum: SnapshotCost;
}

/** Model the snapshot of this analysis; undefined without databases. */
export function snapshotCosts(analysis: Analysis): SnapshotCosts | undefined {
  const payload = analysis.databases.reduce((sum, d) => sum + d.fileBytes, 0);
  if (payload === 0) return undefined;
  // A snapshot tells its own ratio (1 when the node writes them uncompressed); a SQLite file cannot.
  const isSnapshot = analysis.source.kind !== 'sqlite' && analysis.source.payloadBytes > 0;
  const ratio = isSnapshot
    ? analysis.source.bytesOnDisk / analysis.source.payloadBytes
    : 1 / ASSUMED_LZ4_RATIO;
  const vacuumed = analysis.databases.reduce(
    (sum, d) => sum + (d.vacuumedBytes ?? d.estimatedVacuumedBytes),
    0,
  );
  const history = analysis.kine?.historyBytes ?? 0;
  const compacted = Math.max(0, vacuumed - history);
  return {
    current: snapshotCost(payload, Math.round(payload * ratio)),
    ratio,
    ratioAssumed: !isSnapshot,
    afterVacuum: snapshotCost(vacuumed, Math.round(vacuumed * ratio)),
    afterCompactionAndVacuum: snapshotCost(compacted, Math.round(compacted * ratio)),
  };
}
