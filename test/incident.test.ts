// The incident the findings exist for, reproduced on a real dqlite node: every finding must fire with the
// numbers the scenario wrote, and those numbers must match what the sqlite3 CLI finds in the same snapshot.
// The Kubernetes values were encoded by hand from the upstream field numbers (k8s-values.ts), not by the
// analyzer's decoders.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Analysis, analyze, type Finding } from '@dqlite-analyzer/core';
import { startDqliteNode, stopAllNodes } from '@dqlite-analyzer/test-support/dqlite-node';
import { INCIDENT, INCIDENT_TRAILER, writeIncident } from '@dqlite-analyzer/test-support/incident';
import { type Extraction, extractWithCli, sqlite } from '@dqlite-analyzer/test-support/independent';
import { KineHistory, kineSchema } from '@dqlite-analyzer/test-support/kine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let scratch: string;
let extraction: Extraction;
let analysis: Analysis;
let k8s: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'dqa-incident-'));
  const node = await startDqliteNode();
  const history = new KineHistory();
  writeIncident(history);
  await node.exec('k8s', [...kineSchema('v1'), ...history.takeStatements(), ...INCIDENT_TRAILER]);
  const snapshot = await node.copySnapshot(await node.padUntilSnapshot(), scratch);
  await node.stop();
  extraction = await extractWithCli(snapshot.dataPath);
  k8s = extraction.databases.find((d) => d.name === 'k8s')!.mainPath;
  analysis = await analyze(snapshot.dataPath, { tempDir: scratch });
});

afterAll(async () => {
  await stopAllNodes();
  await extraction?.cleanup();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

const finding = (id: string): Finding => {
  const found = analysis.findings.find((f) => f.id === id);
  if (!found) throw new Error(`no ${id} finding; got ${analysis.findings.map((f) => f.id).join(', ')}`);
  return found;
};
const one = async <T>(sql: string): Promise<T> => Object.values((await sqlite(k8s, sql))[0]!)[0] as T;

// The latest live row of every key, as listSQL selects it (docs/formats.md §3.3).
const LIVE = `WITH latest AS (SELECT name, MAX(id) AS id FROM kine GROUP BY name),
  live AS (SELECT k.name, CAST(k.value AS TEXT) AS value FROM kine k JOIN latest l ON l.id = k.id WHERE k.deleted = 0)`;
const ATTRS = `${LIVE}, attrs AS (
  SELECT json_extract(a.value, '$.handle_id') AS handle, json_extract(a.value, '$.secondary.namespace') AS ns,
         json_extract(a.value, '$.secondary.pod') AS pod
  FROM live b, json_each(b.value, '$.spec.attributes') a
  WHERE b.name LIKE '/registry/crd.projectcalico.org/ipamblocks/%')`;

describe('the incident on a real snapshot', () => {
  it('raises every finding the scenario holds, most severe first', () => {
    expect(analysis.findings.map((f) => `${f.severity} ${f.id}`)).toEqual([
      'critical compaction-backlog',
      'critical leader-election-churn',
      'critical rbac-gap',
      'critical abandoned-webhook',
      'critical write-hot-spot',
      'warning leaked-ipam',
      'warning kine-bookkeeping',
      'warning plaintext-secrets',
    ]);
  });

  it('RBAC: list and watch on pods are missing, and the corrected ClusterRole adds exactly those', () => {
    const f = finding('rbac-gap');
    expect(f.data).toEqual({
      controller: 'calico-kube-controllers',
      serviceAccount: 'kube-system/calico-kube-controllers',
      // Read from the Deployment's image: the incident cluster runs v3.29.3's controllers.
      calicoVersion: 'v3.29.3',
      releaseLine: 'v3.29',
      controllers: ['node'],
      grantedNothing: false,
      // The incident's ClusterRoleBinding binds the role: the remediation adds no binding.
      roleBound: true,
      missing: ['/pods:list,watch'],
      missingVerbs: 2,
    });
    expect(f.remediation).toMatch(/resources:\n {6}- pods\n {4}verbs:\n {6}- get\n {6}- list\n {6}- watch\n/);
  });

  it('webhooks: the orphaned one is deleted, the healthy one left alone', () => {
    const f = finding('abandoned-webhook');
    expect(f.data).toEqual({
      orphanedWebhooks: 1,
      configurations: ['old-injector'],
      failClosed: 1,
      failClosedConfigurations: ['old-injector'],
    });
    expect(f.remediation.split('\n')).toContain(
      'microk8s kubectl delete mutatingwebhookconfiguration old-injector',
    );
    expect(f.remediation).not.toContain(INCIDENT.healthyWebhook.configuration);
  });

  it('leader election: transitions, holder and renew time from the Lease values', () => {
    expect(finding('leader-election-churn').data.leaseTransitions).toEqual([
      INCIDENT.schedulerTransitions,
      INCIDENT.controllerManagerTransitions,
    ]);
    expect(analysis.leases[0]).toMatchObject({
      name: 'kube-scheduler',
      holderIdentity: 'node-1_4f1c2b9e-8a4d-4c3b-9f0e-2d7a1b5c8e90',
      renewTime: '2026-01-01T01:00:00Z',
    });
  });

  it('IPAM: leaked handles and addresses match a json_each query in sqlite3', async () => {
    const podMissing = await one<number>(
      `${ATTRS} SELECT count(*) FROM attrs WHERE pod IS NOT NULL AND '/registry/pods/' || ns || '/' || pod NOT IN (SELECT name FROM live)`,
    );
    const unreferenced = await one<number>(
      `${ATTRS} SELECT count(*) FROM live h WHERE h.name LIKE '/registry/crd.projectcalico.org/ipamhandles/%' ` +
        `AND json_extract(h.value, '$.spec.handleID') LIKE 'k8s-pod-network.%' ` +
        `AND json_extract(h.value, '$.spec.handleID') NOT IN (SELECT handle FROM attrs WHERE handle IS NOT NULL)`,
    );
    expect([podMissing, unreferenced]).toEqual([INCIDENT.goneWithHandles, INCIDENT.handlesWithoutAllocation]);
    expect(finding('leaked-ipam').data).toMatchObject({
      handlesWithPodMissing: podMissing,
      handlesWithoutAllocation: unreferenced,
      leakedHandles: podMissing + unreferenced,
      leakedAllocations: podMissing,
    });
  });

  it('write hot spot and compaction backlog: the storm key, counted by sqlite3', async () => {
    const [top] = await sqlite<{ name: string; revisions: number }>(
      k8s,
      "SELECT name, COUNT(*) AS revisions FROM kine WHERE name <> 'compact_rev_key' AND name NOT LIKE 'gap-%' " +
        'GROUP BY name ORDER BY revisions DESC LIMIT 1',
    );
    expect(top).toEqual({ name: INCIDENT.stormKey, revisions: INCIDENT.stormWrites + 1 });
    expect(finding('write-hot-spot').data).toMatchObject({ keys: [top!.name], revisions: [top!.revisions] });
    const retained = await one<number>(
      "SELECT COUNT(*) FROM kine WHERE name <> 'compact_rev_key' AND name NOT LIKE 'gap-%'",
    );
    expect(analysis.hotKeys[0]!.share).toBeCloseTo(top!.revisions / retained, 12);

    const leaseHistory = await one<number>(
      "SELECT COUNT(*) - COUNT(DISTINCT name) FROM kine WHERE name LIKE '/registry/leases/%'",
    );
    expect(analysis.prefixes.find((p) => p.prefix === 'leases')!.historyRows).toBe(leaseHistory);
    expect(finding('compaction-backlog').data).toMatchObject({
      historyRows: analysis.kine!.historyRows,
      revisionsSinceCompaction: analysis.kine!.currentRevision - analysis.kine!.compactRevision!,
    });
  });

  it('kine bookkeeping: gap rows and the duplicate compact_rev_key, counted by sqlite3', async () => {
    const gaps = await one<number>("SELECT COUNT(*) FROM kine WHERE name LIKE 'gap-%'");
    const compactKeys = await one<number>("SELECT COUNT(*) FROM kine WHERE name = 'compact_rev_key'");
    expect([gaps, compactKeys]).toEqual([INCIDENT.gapRows, 2]);
    expect(finding('kine-bookkeeping').data).toMatchObject({ gapRows: gaps, compactRevKeyRows: compactKeys });
  });

  it('kine bookkeeping: a DELETE of gap rows is offered only for those at or below the compact revision', async () => {
    // What the remediation's DELETE would remove, counted by sqlite3 on the same snapshot.
    const deletable = await one<number>(
      "SELECT COUNT(*) FROM kine WHERE name LIKE 'gap-%' AND id <= (SELECT MAX(prev_revision) FROM kine WHERE name = 'compact_rev_key')",
    );
    const f = finding('kine-bookkeeping');
    expect(f.data).toMatchObject({ gapRowsCompacted: deletable });
    const deletes = f.remediation
      .split('\n')
      .filter((line) => !line.startsWith('#') && line.includes('DELETE FROM kine'));
    expect({ deletable, deletes: deletes.length }).toEqual({ deletable, deletes: deletable > 0 ? 1 : 0 });
  });

  it('plaintext Secrets: the old_value left by the first encrypted write, counted by sqlite3', async () => {
    const enc = "CAST('k8s:enc:' AS BLOB)";
    const rows = await one<number>(
      `WITH e AS (SELECT name, MAX(id) AS last FROM kine WHERE name LIKE '/registry/secrets/%' AND substr(value, 1, 8) = ${enc} GROUP BY name)
       SELECT COUNT(*) FROM kine k JOIN e ON e.name = k.name WHERE k.id <= e.last AND
         ((length(k.value) > 0 AND substr(k.value, 1, 8) <> ${enc}) OR (length(k.old_value) > 0 AND substr(k.old_value, 1, 8) <> ${enc}))`,
    );
    expect(rows).toBe(1);
    expect(finding('plaintext-secrets').data).toMatchObject({
      plaintextHistoryRows: rows,
      plaintextHistoryKeys: 1,
      livePlaintext: 1,
    });
  });

  it('per-prefix figures add up to the kine totals and match sqlite3 for pods', async () => {
    const sum = (pick: (p: Analysis['prefixes'][number]) => number) =>
      analysis.prefixes.reduce((s, p) => s + pick(p), 0);
    expect([sum((p) => p.liveKeys), sum((p) => p.historyRows)]).toEqual([
      analysis.kine!.liveKeys,
      analysis.kine!.historyRows,
    ]);
    const livePods = await one<number>(
      `${LIVE} SELECT COUNT(*) FROM live WHERE name LIKE '/registry/pods/%'`,
    );
    expect(analysis.prefixes.find((p) => p.prefix === 'pods')).toMatchObject({
      liveKeys: livePods,
      values: { protobuf: livePods },
    });
    expect(analysis.decoding.every((s) => s.failed === 0)).toBe(true);
  });
});
