import { ungroupedNumbers } from '@dqlite-analyzer/test-support/findings-agree';
import { describe, expect, it } from 'vitest';
import { ANALYSIS_SCHEMA_VERSION, type Comparison } from '../../src/analysis-types.js';
import {
  WRITE_STORM_KEY_PER_MINUTE,
  WRITE_STORM_LEASE_PER_MINUTE,
  WRITE_STORM_MIN_REVISIONS,
  writeStormCheck,
} from '../../src/checks/write-storm.js';
import { type KeyWrites, writerOfKey } from '../../src/kine/writes.js';
import { analysis } from './fixture.js';

const INTERVAL = 300; // k8s-dqlite's default compaction interval; snapshots come about as often

function key(name: string, revisions: number): KeyWrites {
  const [, , prefix, namespace] = name.split('/');
  return {
    key: name,
    prefix: prefix!,
    resource: prefix!,
    namespace: namespace ?? null,
    writer: writerOfKey(name),
    revisions,
    bytes: revisions * 300,
    perMinute: (revisions * 60) / INTERVAL,
  };
}

function writes(keys: KeyWrites[], over: Partial<Comparison> = {}): Comparison {
  const snapshot = {
    path: '/backend/snapshot-3-1000-100000',
    dataFile: '/backend/snapshot-3-1000-100000',
    directory: '/backend',
    nodeId: '1',
    term: 3,
    index: 1000,
    timestampMs: 100_000,
    modifiedAt: '2026-01-01T00:00:00.000Z',
    currentRevision: 5000,
    compactRevision: 4000,
    nodeAddress: '127.0.0.1:9001',
    configurationIndex: 1,
    servers: [{ id: '3297041220608546238', address: '127.0.0.1:9001', role: 'voter' as const }],
  };
  const total = keys.reduce((n, k) => n + k.revisions, 0);
  return {
    schemaVersion: ANALYSIS_SCHEMA_VERSION,
    older: snapshot,
    newer: {
      ...snapshot,
      index: 2000,
      timestampMs: 100_000 + INTERVAL * 1000,
      currentRevision: 5000 + total,
    },
    lineage: { relation: 'same-node', note: 'one node' },
    intervalSeconds: INTERVAL,
    intervalSource: 'snapshot-timestamps',
    intervalNote: 'snapshot file names of one node',
    revisionsWritten: total,
    retainedRows: total,
    bookkeepingRows: 0,
    compactedRevisions: 0,
    revisionsPerMinute: (total * 60) / INTERVAL,
    compactedBetween: false,
    writes: keys,
    writesByPrefix: [],
    eventObjects: [],
    ...over,
  };
}

// A healthy cluster over five minutes: three node Leases every 10 s, two leader elections every 2 s,
// a Deployment status updated a handful of times.
const HEALTHY = [
  key('/registry/leases/kube-system/kube-controller-manager', 150),
  key('/registry/leases/kube-system/kube-scheduler', 150),
  ...['node-1', 'node-2', 'node-3'].map((n) => key(`/registry/leases/kube-node-lease/${n}`, 30)),
  key('/registry/deployments/default/web', 8),
];
const run = (w: Comparison) => writeStormCheck.run(analysis({ writes: w, writesUnavailable: null }));

describe('write-storm', () => {
  it('stays quiet on a healthy cluster’s lease renewals', () => {
    expect(run(writes(HEALTHY))).toEqual([]);
  });

  it('fires on the incident’s rate: a controller’s status object rewritten ~12 times a minute', () => {
    const status = '/registry/crd.projectcalico.org/kubecontrollersconfigurations/default';
    const [finding] = run(writes([...HEALTHY, key(status, 60)]));
    expect(finding).toMatchObject({
      id: 'write-storm',
      severity: 'warning',
      data: { key: status, kind: 'key', revisions: 60, perMinute: 12, threshold: WRITE_STORM_KEY_PER_MINUTE },
    });
    expect(finding!.title).toContain('is written 12/min (60 revisions in 300 s');
    expect(finding!.evidence[0]).toContain(
      `verify: sqlite3 -readonly DIR/k8s.db "SELECT count(*) FROM kine WHERE id > 5000 AND name = '${status}'"  # prints 60 (with --keep-copies DIR)`,
    );
  });

  it('writes its counts, rates and revisions with thousands separators, as the rest of the report does', () => {
    const status = '/registry/crd.projectcalico.org/kubecontrollersconfigurations/default';
    const storm = 20_255;
    const [finding] = run(writes([...HEALTHY, key(status, storm)]));
    expect(finding!.data).toMatchObject({ revisions: storm });
    expect(ungroupedNumbers(finding!)).toEqual([]);
    expect(finding!.title).toContain(`${storm.toLocaleString('en-US')} revisions`);
    expect(finding!.title).toContain(`${Math.round((storm * 60) / INTERVAL).toLocaleString('en-US')}/min`);
  });

  it('judges a Lease against leader election’s rate, not a status object’s', () => {
    const lease = '/registry/leases/kube-system/calico-kube-controllers';
    expect(run(writes([key(lease, (WRITE_STORM_LEASE_PER_MINUTE * INTERVAL) / 60 - 1)]))).toEqual([]);
    const [finding] = run(writes([key(lease, 50 * INTERVAL)]));
    expect(finding).toMatchObject({
      severity: 'critical',
      data: { kind: 'lease', namespace: 'kube-system' },
    });
    expect(finding!.remediation).toContain(`-n kube-system get lease calico-kube-controllers`);
  });

  it('needs enough revisions, and a known interval', () => {
    const status = '/registry/deployments/default/web';
    const short = (n: number) => {
      const k = { ...key(status, n), perMinute: n * 60 };
      return writes([k], { intervalSeconds: 1 });
    };
    expect(run(short(WRITE_STORM_MIN_REVISIONS - 1))).toEqual([]);
    expect(run(short(WRITE_STORM_MIN_REVISIONS))).toHaveLength(1);
    expect(run(writes([key(status, 600)], { intervalSeconds: null }))).toEqual([]);
    expect(writeStormCheck.run(analysis())).toEqual([]);
  });

  it('takes the Events about one object together', () => {
    const events = writes([], {
      eventObjects: [
        {
          key: '/registry/events/calico-system/calico-kube-controllers-7c9f8d5b4-x2xqv',
          namespace: 'calico-system',
          object: 'calico-kube-controllers-7c9f8d5b4-x2xqv',
          revisions: 45,
          events: 3,
          perMinute: 9,
        },
      ],
    });
    const [finding] = run(events);
    expect(finding!.data).toMatchObject({ kind: 'events', namespace: 'calico-system', revisions: 45 });
    expect(finding!.remediation).toContain(
      'get events --field-selector involvedObject.name=calico-kube-controllers-7c9f8d5b4-x2xqv',
    );
  });
});
