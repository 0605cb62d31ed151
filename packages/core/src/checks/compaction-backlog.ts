import type { Analysis, Finding } from '../analysis-types.js';
import { formatBytes, formatPercent, formatCount as n, plural } from '../format.js';
import { type Check, kineCopy } from './check.js';
import { distributionOf } from './commands.js';
import { sqliteVerify } from './shell.js';

// k8s-dqlite compacts every 5 minutes up to (current revision − 100), so a healthy table holds the
// last few minutes of writes as history. A backlog means compaction is not keeping up or not running.
/** Fire when at least this many superseded revisions wait for compaction… */
export const COMPACTION_BACKLOG_MIN_ROWS = 10_000;
/** …and they take at least this many times the bytes of the live data. */
export const COMPACTION_BACKLOG_MIN_HISTORY_TO_LIVE = 1;
/** Critical when history outweighs live data by this factor. */
export const COMPACTION_BACKLOG_CRITICAL_HISTORY_TO_LIVE = 10;

/** 3. Superseded revisions pile up faster than k8s-dqlite compacts them. */
export const compactionBacklogCheck: Check = {
  id: 'compaction-backlog',
  run(analysis: Analysis): Finding[] {
    const kine = analysis.kine;
    if (!kine || kine.historyRows < COMPACTION_BACKLOG_MIN_ROWS) return [];
    const historyToLive = kine.liveBytes > 0 ? kine.historyBytes / kine.liveBytes : Number.POSITIVE_INFINITY;
    if (historyToLive < COMPACTION_BACKLOG_MIN_HISTORY_TO_LIVE) return [];
    const d = distributionOf(analysis);
    const interval = analysis.dataDir?.tuning.compactIntervalSeconds ?? 300;
    const top = analysis.prefixes
      .filter((p) => p.historyRows > 0)
      .sort((a, b) => b.historyRows - a.historyRows)
      .slice(0, 3);
    return [
      {
        id: 'compaction-backlog',
        severity: historyToLive >= COMPACTION_BACKLOG_CRITICAL_HISTORY_TO_LIVE ? 'critical' : 'warning',
        title: `${plural(kine.historyRows, 'superseded revision')} (${formatBytes(kine.historyBytes)}) wait${kine.historyRows === 1 ? 's' : ''} for compaction`,
        evidence: [
          `history rows ${n(kine.historyRows)}, ${formatBytes(kine.historyBytes)}; live keys ${n(kine.liveKeys)}, ${formatBytes(kine.liveBytes)} ` +
            `(history / live = ${Number.isFinite(historyToLive) ? historyToLive.toFixed(1) : 'no live data'})`,
          `current revision ${n(kine.currentRevision)}, compact revision ${kine.compactRevision === null ? 'none (never compacted)' : n(kine.compactRevision)}, ` +
            `${plural(kine.revisionsSinceCompaction, 'revision')} since`,
          ...passedEvidence(analysis),
          `tombstones ${n(kine.tombstones)}, of which ${n(kine.deletedKeys)} ${kine.deletedKeys === 1 ? 'is' : 'are'} the latest row of a deleted key`,
          ...top.map(
            (p) =>
              `prefix /registry/${p.prefix}/: ${plural(p.historyRows, 'history row')} (${formatPercent(p.historyRows / kine.historyRows)}), ${formatBytes(p.historyBytes)}`,
          ),
          `k8s-dqlite compacts every ${interval} s (leader only since v1.5.0), up to the current revision − 100`,
          // kine's own rows (a second compact_rev_key, gap-*) are not history: they are not counted.
          `history rows: ${sqliteVerify(
            kineCopy(analysis),
            "SELECT count(*) FROM kine WHERE name <> 'compact_rev_key' AND substr(name, 1, 4) <> 'gap-' " +
              'AND id < (SELECT max(id) FROM kine AS l WHERE l.name = kine.name)',
            [kine.historyRows],
          )}`,
        ],
        remediation: [
          '# Is compaction running? The leader logs each pass:',
          `sudo journalctl -u ${d.journal.dqlite} --since -30min | grep -i compact`,
          '# Writes that outrun it come from one writer; see the write hot spot finding for which key.',
          '# The interval is kine-compact-interval in tuning.yaml (default 5m); check what the node uses:',
          `sudo cat ${d.dataDir}/tuning.yaml`,
          '# Only the dqlite leader compacts; find it and check its k8s-dqlite log as above:',
          `sudo ${d.dqlite} -s file://${d.dataDir}/cluster.yaml -c ${d.dataDir}/cluster.crt -k ${d.dataDir}/cluster.key k8s .leader`,
        ].join('\n'),
        data: {
          historyRows: kine.historyRows,
          historyBytes: kine.historyBytes,
          liveBytes: kine.liveBytes,
          historyToLive: Number.isFinite(historyToLive) ? historyToLive : null,
          currentRevision: kine.currentRevision,
          compactRevision: kine.compactRevision,
          revisionsSinceCompaction: kine.revisionsSinceCompaction,
          historyRowsPassed: kine.historyRowsPassed,
        },
      },
    ];
  },
};

// k8s-dqlite removes a superseded row at the pass that reaches the revision superseding it
// (docs/formats.md §3.3): rows it has passed tell a compaction that runs but does not remove from
// one that has stopped or fallen behind.
function passedEvidence(analysis: Analysis): string[] {
  const kine = analysis.kine!;
  if (kine.compactRevision === null) return [];
  const passed = kine.historyRowsPassed;
  const query =
    "SELECT count(*) FROM kine AS k WHERE name <> 'compact_rev_key' AND substr(name, 1, 4) <> 'gap-' " +
    'AND (SELECT min(id) FROM kine AS n WHERE n.name = k.name AND n.id > k.id) ' +
    "<= (SELECT max(prev_revision) FROM kine WHERE name = 'compact_rev_key')";
  return [
    passed > 0
      ? `${n(passed)} of the history rows were superseded at or below the compact revision: compaction has passed them and not removed them`
      : 'none of the history rows was superseded at or below the compact revision: they wait for passes that have not reached them',
    `history rows compaction has passed: ${sqliteVerify(kineCopy(analysis), query, [passed])}`,
  ];
}
