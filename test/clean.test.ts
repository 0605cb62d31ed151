// A healthy cluster on a real dqlite node: the same kinds of objects as the incident, all consistent.
// No check may fire; the figures the checks read must still be there and match sqlite3.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Analysis, analyze } from '@dqlite-analyzer/core';
import { CLEAN, writeCleanCluster } from '@dqlite-analyzer/test-support/clean';
import { startDqliteNode, stopAllNodes } from '@dqlite-analyzer/test-support/dqlite-node';
import { type Extraction, extractWithCli, sqlite } from '@dqlite-analyzer/test-support/independent';
import { KineHistory, kineSchema } from '@dqlite-analyzer/test-support/kine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let scratch: string;
let extraction: Extraction;
let analysis: Analysis;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'dqa-clean-'));
  const node = await startDqliteNode();
  const history = new KineHistory();
  writeCleanCluster(history);
  // The newer schema layout, so both index sets go through the checks.
  await node.exec('k8s', [...kineSchema('v65536'), ...history.takeStatements()]);
  const snapshot = await node.copySnapshot(await node.padUntilSnapshot(), scratch);
  await node.stop();
  extraction = await extractWithCli(snapshot.dataPath);
  analysis = await analyze(snapshot.dataPath, { tempDir: scratch, byNamespace: true });
});

afterAll(async () => {
  await stopAllNodes();
  await extraction?.cleanup();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('a healthy cluster on a real snapshot', () => {
  it('raises no finding', () => {
    expect(analysis.findings).toEqual([]);
  });

  it('still reads everything the checks look at', async () => {
    const k8s = extraction.databases.find((d) => d.name === 'k8s')!.mainPath;
    const [leaseRows] = await sqlite<{ n: number }>(
      k8s,
      "SELECT COUNT(*) AS n FROM kine WHERE name = '/registry/leases/kube-system/kube-scheduler'",
    );
    expect(analysis.hotKeys[0]).toMatchObject({
      key: '/registry/leases/kube-system/kube-scheduler',
      revisions: leaseRows!.n,
    });
    expect(leaseRows!.n).toBe(CLEAN.leaseRenewals + 1);
    expect(analysis.leases).toMatchObject([{ name: 'kube-scheduler', leaseTransitions: 7 }]);
    expect(analysis.objects?.controllers[0]).toMatchObject({ expectedRoleBound: true, missingRoles: [] });
    expect(analysis.objects?.webhooks).toMatchObject([{ configuration: 'policy', serviceExists: true }]);
    expect(analysis.objects?.ipam).toMatchObject({
      podHandles: CLEAN.pods.length,
      leakedHandles: 0,
      leakedAllocations: 0,
    });
    expect(analysis.objects?.secrets).toMatchObject({ liveEncrypted: 1, plaintextHistoryRows: 0 });
    expect(analysis.kine).toMatchObject({ gapRows: 0, compactRevKeyRows: 1 });
  });

  it('breaks pods down per namespace', async () => {
    const pods = analysis.prefixes.find((p) => p.prefix === 'pods')!;
    expect(pods.namespaces?.map((n) => [n.namespace, n.liveKeys])).toEqual([
      ['kube-system', 2],
      ['default', 2],
    ]);
  });
});
