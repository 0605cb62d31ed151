import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeCleanCluster } from '@dqlite-analyzer/test-support/clean';
import { INCIDENT, INCIDENT_TRAILER, writeIncident } from '@dqlite-analyzer/test-support/incident';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Analysis } from '../../src/analysis-types.js';
import { analyze } from '../../src/analyze.js';
import { kineDb } from '../kine/kine-db.js';

// The whole pipeline (analyze → scan → checks) on the scenarios, from a plain SQLite file.
let dir: string;
let incident: Analysis;
let clean: Analysis;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dqa-checks-'));
  const write = (name: string, db: ReturnType<typeof kineDb>) => {
    const path = join(dir, name);
    writeFileSync(path, db.serialize());
    db.close();
    return path;
  };
  incident = await analyze(write('incident.db', kineDb(writeIncident, 'v1', INCIDENT_TRAILER)));
  clean = await analyze(write('clean.db', kineDb(writeCleanCluster)));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const finding = (id: string) => incident.findings.find((f) => f.id === id);

describe('findings on the incident', () => {
  it('reports each problem once, most severe first', () => {
    expect(incident.findings.map((f) => [f.severity, f.id])).toEqual([
      ['critical', 'compaction-backlog'],
      ['critical', 'leader-election-churn'],
      ['critical', 'rbac-gap'],
      ['critical', 'abandoned-webhook'],
      ['critical', 'write-hot-spot'],
      ['warning', 'leaked-ipam'],
      ['warning', 'kine-bookkeeping'],
      ['warning', 'plaintext-secrets'],
    ]);
  });

  it('names the missing RBAC verbs and applies a corrected ClusterRole', () => {
    const f = finding('rbac-gap')!;
    expect(f.data).toMatchObject({ missing: ['/pods:list,watch'], missingVerbs: 2 });
    expect(f.remediation).toContain('microk8s kubectl apply -f - <<');
    // The stored pods rule gains the missing verbs; nothing else changes.
    expect(f.remediation).toMatch(/resources:\n {6}- pods\n {4}verbs:\n {6}- get\n {6}- list\n {6}- watch\n/);
    expect(f.remediation.match(/- pods/g)).toHaveLength(1);
    expect(f.remediation).toContain('rollout restart deployment/calico-kube-controllers');
  });

  it('gives the delete line for the abandoned webhook only', () => {
    const f = finding('abandoned-webhook')!;
    expect(f.data).toEqual({
      orphanedWebhooks: 1,
      configurations: ['old-injector'],
      failClosed: 1,
      failClosedConfigurations: ['old-injector'],
    });
    expect(f.remediation).toContain('microk8s kubectl delete mutatingwebhookconfiguration old-injector');
    expect(f.remediation).not.toContain('policy');
  });

  it('counts churn, leaks, the storm and the bookkeeping rows', () => {
    expect(finding('leader-election-churn')!.data).toEqual({
      leases: ['kube-system/kube-scheduler', 'kube-system/kube-controller-manager'],
      leaseTransitions: [INCIDENT.schedulerTransitions, INCIDENT.controllerManagerTransitions],
      maxLeaseTransitions: INCIDENT.schedulerTransitions,
      otherLeases: 1,
      warningTransitions: 100,
    });
    expect(finding('leaked-ipam')!.data).toMatchObject({
      leakedHandles: INCIDENT.goneWithHandles + INCIDENT.handlesWithoutAllocation,
      leakedAllocations: INCIDENT.goneWithHandles,
    });
    expect(finding('write-hot-spot')!.data).toMatchObject({
      keys: [INCIDENT.stormKey],
      revisions: [INCIDENT.stormWrites + 1],
    });
    expect(finding('kine-bookkeeping')!.data).toMatchObject({
      gapRows: INCIDENT.gapRows,
      compactRevKeyRows: 2,
    });
    expect(finding('plaintext-secrets')!.data).toMatchObject({
      plaintextHistoryRows: 1,
      plaintextHistoryKeys: 1,
    });
    expect(finding('compaction-backlog')!.data).toMatchObject({ historyRows: INCIDENT.stormWrites });
  });

  it('fills the new Analysis fields', () => {
    expect(incident.hotKeys[0]).toMatchObject({
      key: INCIDENT.stormKey,
      revisions: INCIDENT.stormWrites + 1,
    });
    expect(incident.prefixes[0]).toMatchObject({ prefix: 'leases', historyRows: INCIDENT.stormWrites });
    expect(incident.leases.map((l) => l.name)).toEqual([
      'kube-scheduler',
      'kube-controller-manager',
      'node-1',
    ]);
    expect(incident.decoding.every((s) => s.failed === 0)).toBe(true);
  });
});

describe('findings on a healthy cluster', () => {
  it('reports nothing', () => {
    expect(clean.findings).toEqual([]);
    expect(clean.objects?.ipam).toMatchObject({ leakedHandles: 0, leakedAllocations: 0, podHandles: 4 });
    expect(clean.objects?.webhooks.every((w) => w.serviceExists)).toBe(true);
  });
});
