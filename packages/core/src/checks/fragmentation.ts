import type { Analysis, Finding } from '../analysis-types.js';
import { formatBytes, formatPercent, formatCount as n } from '../format.js';
import { type Check, kineCopy, kineDatabase } from './check.js';
import { distributionOf, dqliteShell } from './commands.js';
import { sqliteVerify } from './shell.js';

// etcd-mixin's etcdDatabaseHighFragmentationRatio (etcd-io/etcd:contrib/mixin/alerts/alerts.libsonnet):
// in_use / total < 0.5 and in_use > 104857600, for 10m, severity warning. Here "total" is the
// database as dqlite serialises it (page_count × page_size) and "in use" excludes freelist pages,
// which is also how k8s-dqlite reports dbSize to the apiserver (docs/formats.md §3.1).
/** Fire when in-use pages are less than this share of the file. */
export const FRAGMENTATION_IN_USE_RATIO = 0.5;
/** …and the file is larger than this (100 MiB, the etcd alert's 104857600). */
export const FRAGMENTATION_MIN_FILE_BYTES = 104_857_600;

/** 1. Free pages make the file (and every snapshot of it) much larger than the data it holds. */
export const fragmentationCheck: Check = {
  id: 'fragmentation',
  run(analysis: Analysis): Finding[] {
    const db = kineDatabase(analysis);
    const kine = analysis.kine;
    if (!db || !kine || db.pageCount === 0) return [];
    const inUseBytes = (db.pageCount - db.freelistCount) * db.pageSize;
    const inUseRatio = inUseBytes / db.fileBytes;
    if (inUseRatio >= FRAGMENTATION_IN_USE_RATIO || db.fileBytes <= FRAGMENTATION_MIN_FILE_BYTES) return [];
    const compacted = db.vacuumedBytes ?? db.estimatedVacuumedBytes;
    const d = distributionOf(analysis);
    return [
      {
        id: 'fragmentation',
        severity: 'warning',
        title: `Database "${db.name}" is ${formatPercent(db.freePageShare)} free pages: ${formatBytes(db.fileBytes)} on disk, ${formatBytes(inUseBytes)} in use`,
        evidence: [
          `page_size ${n(db.pageSize)}, page_count ${n(db.pageCount)}, freelist_count ${n(db.freelistCount)}; ` +
            sqliteVerify(kineCopy(analysis), 'PRAGMA page_count; PRAGMA freelist_count', [
              db.pageCount,
              db.freelistCount,
            ]),
          `free-page share ${formatPercent(db.freePageShare)}: in use ${formatBytes(inUseBytes)} / total ${formatBytes(db.fileBytes)} = ${inUseRatio.toFixed(3)} ` +
            `(fires below ${FRAGMENTATION_IN_USE_RATIO} with more than ${formatBytes(FRAGMENTATION_MIN_FILE_BYTES)}, as etcd's fragmentation alert)`,
          `live kine data ${formatBytes(kine.liveBytes)} in ${n(kine.liveKeys)} keys; file-to-live ratio ${
            kine.fileToLiveRatio === null ? 'n/a' : `${kine.fileToLiveRatio.toFixed(1)}×`
          } (file size / live data: history rows and free pages both raise it)`,
          `size after VACUUM: ${formatBytes(compacted)} (${db.vacuumedBytes !== undefined ? 'measured with VACUUM INTO' : 'estimated from the b-tree pages; run with --vacuum to measure'})`,
          'k8s-dqlite never runs VACUUM, so deleted rows leave free pages that every snapshot copies',
        ],
        remediation: [
          '# Keep a copy of the data directory first (on the node you run this on):',
          `sudo tar -czf /root/dqlite-backup-$(date +%F).tar.gz -C ${d.dataDir} .`,
          '# Rewrite the database without its free pages. dqlite accepts VACUUM from v1.18.2 on',
          '# (canonical/dqlite#734); older versions answer with an error and change nothing.',
          '# Run it in a quiet period: it is one large write that every node applies.',
          dqliteShell(d, 'VACUUM', 600_000),
        ].join('\n'),
        data: {
          database: db.name,
          fileBytes: db.fileBytes,
          inUseBytes,
          inUseRatio,
          freePageShare: db.freePageShare,
          pageCount: db.pageCount,
          freelistPages: db.freelistCount,
          liveBytes: kine.liveBytes,
          compactedBytes: compacted,
        },
      },
    ];
  },
};
