import type { Analysis, Finding } from '../analysis-types.js';
import { formatBytes, formatPercent, plural, secondsText } from '../format.js';
import type { Check } from './check.js';
import { distributionOf, dqliteShell } from './commands.js';
import {
  DISK_WRITE_BYTES_PER_SECOND,
  KINE_RETRY_BUDGET_SECONDS,
  KINE_RETRY_TRIES,
  LZ4_COMPRESS_BYTES_PER_SECOND,
  type SnapshotCost,
  snapshotCosts,
} from './lock-window.js';

/** Warn when one snapshot is modelled to keep the node busy for this share of kine's retry budget… */
export const LOCK_WINDOW_WARNING_SECONDS = 0.5 * KINE_RETRY_BUDGET_SECONDS;
/** …critical when it exceeds the whole budget. */
export const LOCK_WINDOW_CRITICAL_SECONDS = KINE_RETRY_BUDGET_SECONDS;

const describe = (cost: SnapshotCost): string =>
  `${formatBytes(cost.payloadBytes)} → ${formatBytes(cost.writtenBytes)} written: ${secondsText(cost.compressSeconds)} LZ4 + ` +
  `${secondsText(cost.writeSeconds)} disk = ${secondsText(cost.seconds)}`;

/** 2. Each snapshot takes long enough to serialise that writes queued behind it can run out of retries. */
export const snapshotLockWindowCheck: Check = {
  id: 'snapshot-lock-window',
  run(analysis: Analysis): Finding[] {
    const costs = snapshotCosts(analysis);
    if (!costs || costs.current.seconds < LOCK_WINDOW_WARNING_SECONDS) return [];
    const { current, afterVacuum, afterCompactionAndVacuum } = costs;
    const d = distributionOf(analysis);
    const tuning = analysis.dataDir?.tuning;
    return [
      {
        id: 'snapshot-lock-window',
        severity: current.seconds >= LOCK_WINDOW_CRITICAL_SECONDS ? 'critical' : 'warning',
        title:
          `Each snapshot keeps the node busy for an estimated ${secondsText(current.seconds)}, ` +
          `against kine's ~${KINE_RETRY_BUDGET_SECONDS} s retry budget`,
        evidence: [
          `snapshot payload ${formatBytes(current.payloadBytes)} (all databases), ${formatBytes(current.writtenBytes)} on disk ` +
            `(ratio ${formatPercent(costs.ratio)}${costs.ratioAssumed ? ', assumed: the input is not a snapshot' : ''})`,
          `model: payload / ${LZ4_COMPRESS_BYTES_PER_SECOND / 1e6} MB/s (LZ4, one core) + written / ` +
            `${(DISK_WRITE_BYTES_PER_SECOND / 1048576).toFixed(0)} MiB/s (disk) = ${describe(current)}`,
          'while raft writes the snapshot, dqlite holds WAL read lock 0 so no checkpoint can run, and the disk ' +
            'is busy with the snapshot while every commit still needs its raft log write',
          `kine retries a locked write ${KINE_RETRY_TRIES} times without backoff (~${KINE_RETRY_BUDGET_SECONDS} s), ` +
            `then fails with "exec (try: ${KINE_RETRY_TRIES}): database is locked"`,
          `after VACUUM: ${describe(afterVacuum)}`,
          `after compaction of the ${plural(analysis.kine?.historyRows ?? 0, 'history row')} and VACUUM: ${describe(afterCompactionAndVacuum)}`,
          tuning
            ? `a snapshot is taken every ${plural(tuning.snapshotThreshold, 'raft entry', 'raft entries')} (tuning ${tuning.source})`
            : 'a snapshot is taken every 512 raft entries by default (k8s-dqlite tuning.yaml threshold)',
        ],
        remediation: [
          '# Look for the symptom in the k8s-dqlite log:',
          `sudo journalctl -u ${d.journal.dqlite} --since -1h | grep -c 'database is locked'`,
          '# Shrink what every snapshot copies: let compaction remove history (see the compaction finding),',
          '# then rewrite the file without free pages (dqlite >= 1.18.2; keep a backup of the data directory first):',
          dqliteShell(d, 'VACUUM', 600_000),
        ].join('\n'),
        data: {
          payloadBytes: current.payloadBytes,
          writtenBytes: current.writtenBytes,
          estimatedSeconds: current.seconds,
          budgetSeconds: KINE_RETRY_BUDGET_SECONDS,
          afterVacuumBytes: afterVacuum.payloadBytes,
          afterVacuumSeconds: afterVacuum.seconds,
          afterCompactionBytes: afterCompactionAndVacuum.payloadBytes,
          afterCompactionSeconds: afterCompactionAndVacuum.seconds,
          ratioAssumed: costs.ratioAssumed,
        },
      },
    ];
  },
};
