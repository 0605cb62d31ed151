import { describe, expect, it } from 'vitest';
import { compactionBacklogCheck } from '../../src/checks/compaction-backlog.js';
import {
  FRAGMENTATION_IN_USE_RATIO,
  FRAGMENTATION_MIN_FILE_BYTES,
  fragmentationCheck,
} from '../../src/checks/fragmentation.js';
import { kineBookkeepingCheck } from '../../src/checks/kine-bookkeeping.js';
import {
  DISK_WRITE_BYTES_PER_SECOND,
  LZ4_COMPRESS_BYTES_PER_SECOND,
  snapshotCosts,
} from '../../src/checks/lock-window.js';
import { snapshotLockWindowCheck } from '../../src/checks/snapshot-lock-window.js';
import { analysis, database, kine } from './fixture.js';

const MiB = 1024 * 1024;

describe('fragmentation', () => {
  it('fires below half in use with more than 100 MiB, like the etcd alert', () => {
    const pages = 200 * 256; // 200 MiB of 4 KiB pages
    const db = database({ pageCount: pages, freelistCount: pages * 0.6, estimatedVacuumedBytes: 70 * MiB });
    const [f] = fragmentationCheck.run(analysis({ databases: [db], kine: kine({ liveBytes: 30 * MiB }) }));
    expect(f).toMatchObject({
      id: 'fragmentation',
      severity: 'warning',
      data: { fileBytes: 200 * MiB, inUseBytes: 80 * MiB, inUseRatio: 0.4, compactedBytes: 70 * MiB },
    });
    expect(f!.remediation).toContain(
      'sudo /snap/microk8s/current/bin/dqlite -s file:///var/snap/microk8s/current/var/kubernetes/backend/cluster.yaml',
    );
    expect(f!.remediation).toContain('--timeout 600000 k8s VACUUM');
  });

  it('stays quiet at the thresholds', () => {
    const pages = FRAGMENTATION_MIN_FILE_BYTES / 4096;
    const small = database({ pageCount: pages, freelistCount: pages * 0.9 }); // exactly 100 MiB: not more
    expect(fragmentationCheck.run(analysis({ databases: [small] }))).toEqual([]);
    const half = database({
      pageCount: 2 * pages,
      freelistCount: 2 * pages * (1 - FRAGMENTATION_IN_USE_RATIO),
    });
    expect(fragmentationCheck.run(analysis({ databases: [half] }))).toEqual([]);
  });
});

describe('snapshot lock window', () => {
  it('models LZ4 plus disk time from the snapshot and what VACUUM and compaction would give', () => {
    const db = database({ pageCount: 600 * 256, freelistCount: 0, estimatedVacuumedBytes: 400 * MiB });
    const a = analysis({ databases: [db], kine: kine({ historyBytes: 300 * MiB }) });
    a.source.payloadBytes = 600 * MiB;
    a.source.bytesOnDisk = 75 * MiB;
    const costs = snapshotCosts(a)!;
    expect(costs.ratio).toBe(0.125);
    expect(costs.current.seconds).toBeCloseTo(
      (600 * MiB) / LZ4_COMPRESS_BYTES_PER_SECOND + (75 * MiB) / DISK_WRITE_BYTES_PER_SECOND,
      12,
    );
    expect(costs.afterVacuum.payloadBytes).toBe(400 * MiB);
    expect(costs.afterCompactionAndVacuum.payloadBytes).toBe(100 * MiB);
    const [f] = snapshotLockWindowCheck.run(a);
    // 629 MB / 780 MB/s + 75 MiB / 125 MiB/s = 0.81 + 0.60 s: over kine's one-second budget.
    expect(f).toMatchObject({ id: 'snapshot-lock-window', severity: 'critical', data: { budgetSeconds: 1 } });
    expect(f!.evidence.join('\n')).toContain('after compaction of the 195 history rows and VACUUM');
  });

  it('assumes an 8:1 ratio for a plain SQLite file and stays quiet for small databases', () => {
    const a = analysis();
    a.source = { ...a.source, kind: 'sqlite', compression: null };
    expect(snapshotCosts(a)).toMatchObject({ ratioAssumed: true, ratio: 1 / 8 });
    expect(snapshotLockWindowCheck.run(a)).toEqual([]);
  });

  it('warns from half the budget', () => {
    const db = database({ pageCount: 300 * 256, freelistCount: 0 });
    const a = analysis({ databases: [db] });
    a.source.bytesOnDisk = 40 * MiB;
    a.source.payloadBytes = 300 * MiB;
    const [f] = snapshotLockWindowCheck.run(a);
    expect(f?.severity).toBe('warning');
    expect(f!.data.estimatedSeconds).toBeGreaterThanOrEqual(0.5);
    expect(f!.data.estimatedSeconds).toBeLessThan(1);
  });
});

describe('compaction backlog', () => {
  it('needs both many history rows and history at least as large as the live data', () => {
    expect(
      compactionBacklogCheck.run(analysis({ kine: kine({ historyRows: 9_999, historyBytes: 9e9 }) })),
    ).toEqual([]);
    expect(
      compactionBacklogCheck.run(analysis({ kine: kine({ historyRows: 50_000, historyBytes: 1e6 }) })),
    ).toEqual([]);
    const [f] = compactionBacklogCheck.run(
      analysis({ kine: kine({ historyRows: 50_000, historyBytes: 6e6 }) }),
    );
    expect(f).toMatchObject({ severity: 'warning', data: { historyToLive: 2 } });
    const [worse] = compactionBacklogCheck.run(
      analysis({ kine: kine({ historyRows: 50_000, historyBytes: 3e7 }) }),
    );
    expect(worse?.severity).toBe('critical');
  });

  it('tells a compaction that passed rows without removing them from one that has not reached them', () => {
    const run = (over: Parameters<typeof kine>[0]) =>
      compactionBacklogCheck.run(
        analysis({ kine: kine({ historyRows: 50_000, historyBytes: 6e6, ...over }) }),
      )[0]!;
    const passed = run({ historyRowsPassed: 48_500 });
    expect(passed.evidence).toContain(
      '48,500 of the history rows were superseded at or below the compact revision: compaction has passed them and not removed them',
    );
    expect(
      passed.evidence.find((line) => line.startsWith('history rows compaction has passed: verify:')),
    ).toMatch(/# prints 48500 \(with --keep-copies/);
    expect(passed.data).toMatchObject({ historyRowsPassed: 48_500 });
    expect(run({ historyRowsPassed: 0 }).evidence).toContain(
      'none of the history rows was superseded at or below the compact revision: they wait for passes that have not reached them',
    );
    // Never compacted: nothing has been passed, and the evidence says it was never compacted.
    const never = run({ compactRevision: null, revisionsSinceCompaction: 50_000 });
    expect(never.evidence.some((line) => line.includes('at or below the compact revision'))).toBe(false);
    expect(never.evidence.some((line) => line.includes('none (never compacted)'))).toBe(true);
  });
});

describe('kine bookkeeping', () => {
  it('reports a few gap rows as info and many as a warning', () => {
    expect(kineBookkeepingCheck.run(analysis({ kine: kine({ gapRows: 25 }) }))).toMatchObject([
      { severity: 'info', data: { gapRows: 25 } },
    ]);
    expect(kineBookkeepingCheck.run(analysis({ kine: kine({ gapRows: 147_000 }) }))[0]?.severity).toBe(
      'warning',
    );
  });

  it('flags a compact revision far behind and a table never compacted', () => {
    const [behind] = kineBookkeepingCheck.run(
      analysis({
        kine: kine({ currentRevision: 900_000, compactRevision: 100, revisionsSinceCompaction: 899_900 }),
      }),
    );
    expect(behind).toMatchObject({ severity: 'warning', data: { revisionsSinceCompaction: 899_900 } });
    const [never] = kineBookkeepingCheck.run(
      analysis({
        kine: kine({ currentRevision: 60_000, compactRevision: null, revisionsSinceCompaction: 60_000 }),
      }),
    );
    expect(never!.evidence[0]).toContain('none (never compacted)');
  });

  it('says nothing about a tidy table', () => {
    expect(kineBookkeepingCheck.run(analysis())).toEqual([]);
  });
});
