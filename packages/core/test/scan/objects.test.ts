import { INCIDENT, INCIDENT_TRAILER, writeIncident } from '@dqlite-analyzer/test-support/incident';
import { lease } from '@dqlite-analyzer/test-support/k8s-values';
import { describe, expect, it } from 'vitest';
import { scanObjects } from '../../src/scan/index.js';
import { bytesValue, kineDb, kineValue } from '../kine/kine-db.js';

describe('scanObjects on the incident history', () => {
  const db = kineDb(writeIncident, 'v1', INCIDENT_TRAILER);
  const scan = scanObjects(db);

  it('decodes every Lease, most transitions first, with its retained revisions', () => {
    expect(scan.leases.map((l) => [l.namespace, l.name, l.leaseTransitions, l.retainedRevisions])).toEqual([
      ['kube-system', 'kube-scheduler', INCIDENT.schedulerTransitions, 1],
      [
        'kube-system',
        'kube-controller-manager',
        INCIDENT.controllerManagerTransitions,
        INCIDENT.stormWrites + 1,
      ],
      ['kube-node-lease', 'node-1', null, 1],
    ]);
    expect(scan.leases[0]).toMatchObject({
      holderIdentity: 'node-1_4f1c2b9e-8a4d-4c3b-9f0e-2d7a1b5c8e90',
      leaseDurationSeconds: 15,
      renewTime: '2026-01-01T01:00:00Z',
      acquireTime: '2026-01-01T00:50:00Z',
      createdAt: '2025-12-02T00:00:00Z',
    });
  });

  it('finds the webhook whose Service is gone, next to the healthy ones', () => {
    const byName = Object.fromEntries(scan.objects.webhooks.map((w) => [w.configuration, w]));
    expect(byName['old-injector']).toMatchObject({
      kind: 'MutatingWebhookConfiguration',
      webhook: 'sidecar-injector.istio.io',
      index: 0,
      failurePolicy: 'Fail',
      serviceKey: '/registry/services/specs/istio-system/istiod',
      serviceExists: false,
      namespaceExists: false,
    });
    expect(byName.policy).toMatchObject({ serviceExists: true, namespaceExists: true, failurePolicy: null });
    expect(byName.external).toMatchObject({ url: 'https://hooks.example.com/check', serviceExists: null });
  });

  it('reads the ClusterRole bound to calico-kube-controllers', () => {
    const [calico] = scan.objects.controllers;
    expect(calico).toMatchObject({
      controller: 'calico-kube-controllers',
      serviceAccount: 'kube-system/calico-kube-controllers',
      expectedRoleBound: true,
      bindings: [{ name: 'calico-kube-controllers', clusterRole: 'calico-kube-controllers' }],
      missingRoles: [],
      unreadableRoles: [],
    });
    expect(calico!.installedBecause).toHaveLength(4);
    expect(calico).toMatchObject({
      deployed: true,
      deployment: {
        key: '/registry/deployments/kube-system/calico-kube-controllers',
        namespace: 'kube-system',
        image: 'docker.io/calico/kube-controllers:v3.29.3',
        // Only the variables asked for: DATASTORE_TYPE is set too, and left out.
        env: { ENABLED_CONTROLLERS: 'node' },
      },
    });
    expect(scan.objects.clusterInformation).toMatchObject({
      key: '/registry/crd.projectcalico.org/clusterinformations/default',
      calicoVersion: 'v3.29.3',
    });
    expect(calico!.roles[0]!.rules.find((r) => r.resources.includes('pods'))?.verbs).toEqual(['get']);
  });

  it('cross-checks Calico IPAM against the pods', () => {
    expect(scan.objects.ipam).toMatchObject({
      handles: 1 + 3 + INCIDENT.goneWithHandles + INCIDENT.handlesWithoutAllocation,
      podHandles: 3 + INCIDENT.goneWithHandles + INCIDENT.handlesWithoutAllocation,
      blocks: 3,
      allocations: 1 + 3 + INCIDENT.goneWithHandles,
      podAllocations: 3 + INCIDENT.goneWithHandles,
      leakedHandles: INCIDENT.goneWithHandles + INCIDENT.handlesWithoutAllocation,
      handlesWithPodMissing: INCIDENT.goneWithHandles,
      handlesWithoutAllocation: INCIDENT.handlesWithoutAllocation,
      leakedAllocations: INCIDENT.goneWithHandles,
    });
    expect(scan.objects.ipam!.examples[0]).toMatchObject({
      reason: 'pod-missing',
      namespace: 'default',
      pod: 'old-0',
      address: '10.1.0.4',
    });
  });

  it('counts plaintext Secret rows without decoding them', () => {
    expect(scan.objects.secrets).toEqual({
      liveKeys: 2,
      liveEncrypted: 1,
      livePlaintext: 1,
      keysWithEncryption: 1,
      // Compaction removed the plaintext revision; the encrypted one still carries it in old_value.
      plaintextHistoryRows: 1,
      plaintextHistoryKeys: 1,
      plaintextHistoryBytes: expect.any(Number),
    });
    expect(scan.objects.secrets.plaintextHistoryBytes).toBeGreaterThan(20);
  });

  it('reports decode counts per resource', () => {
    const stats = Object.fromEntries(scan.decoding.map((s) => [s.prefix, s]));
    expect(stats.leases).toMatchObject({ values: 3, decoded: 3, failed: 0 });
    expect(stats['crd.projectcalico.org/ipamhandles']).toMatchObject({ values: 39, decoded: 39 });
  });
});

describe('scanObjects on damaged and encrypted values', () => {
  it('counts what it cannot decode and carries on', () => {
    const db = kineDb((h) => {
      h.create('/registry/leases/a/broken', kineValue.k8s(30));
      h.create('/registry/leases/a/sealed', bytesValue(Buffer.from('k8s:enc:aescbc:v1:key1:xxxx')));
      h.create('/registry/leases/a/ok', bytesValue(lease({ namespace: 'a', name: 'ok', transitions: 2 })));
      h.create('/registry/clusterroles/calico-kube-controllers', kineValue.json({ not: 'protobuf' }));
    });
    const scan = scanObjects(db);
    expect(scan.leases.map((l) => l.name)).toEqual(['ok']);
    expect(scan.decoding.find((s) => s.prefix === 'leases')).toMatchObject({
      values: 3,
      decoded: 1,
      encrypted: 1,
      failed: 1,
      failedKeys: ['/registry/leases/a/broken'],
    });
    expect(scan.objects.controllers[0]).toMatchObject({
      unreadableRoles: ['calico-kube-controllers'],
      deployed: false,
      deployment: null,
      installedBecause: [
        'ClusterRole calico-kube-controllers exists (/registry/clusterroles/calico-kube-controllers)',
      ],
    });
    expect(scan.objects.ipam).toBeNull();
  });
});

describe('scanObjects on the other kine layouts', () => {
  it('reads the same objects from a k8s-dqlite 1.0 table (name INTEGER) and a v1.0-schema one', () => {
    const reference = scanObjects(kineDb(writeIncident, 'v1', INCIDENT_TRAILER));
    for (const variant of ['legacy', 'v65536'] as const) {
      const scan = scanObjects(kineDb(writeIncident, variant, INCIDENT_TRAILER));
      expect(scan).toEqual(reference);
    }
  });
});
