import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CALICO_CLUSTERS, CALICO_V3_13 } from '@dqlite-analyzer/test-support/calico-clusters';
import { bytesValue, jsonValue, writeIncident, writeIpam } from '@dqlite-analyzer/test-support/incident';
import { ipamHandle, namespaceObject, pod, podHandleId } from '@dqlite-analyzer/test-support/k8s-values';
import { afterAll, describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyze.js';
import { kineDb } from '../kine/kine-db.js';

// Issue #11 §2: "0 of 0 Calico pod IPAM handles belong to pods that no longer exist" while the same
// finding's evidence counted addresses held for gone pods. Handles whose IDs are not the CNI form
// `<network>.<64 hex>`, tied to pods by the block's attributes only, must count as pod handles, and
// the headline must carry the larger count.
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function analyse(write: Parameters<typeof kineDb>[0]) {
  const dir = await mkdtemp(join(tmpdir(), 'dqa-ipam-'));
  dirs.push(dir);
  const db = kineDb(write, 'v65536');
  writeFileSync(join(dir, 'k8s.db'), db.serialize());
  db.close();
  return analyze(join(dir, 'k8s.db'));
}

describe('leaked-ipam headline', () => {
  it('counts a handle the block ties to a gone pod as a pod handle, whatever its ID', async () => {
    const a = await analyse((h) => {
      h.create('/registry/namespaces/default', bytesValue(namespaceObject('default')));
      h.create('/registry/pods/default/live', bytesValue(pod('default', 'live')));
      writeIpam(h, 'node-1', [
        { handleId: 'vxlan-tunnel-addr-node-1' },
        { handleId: 'custom-net.pod-live', namespace: 'default', pod: 'live' },
        ...Array.from({ length: 25 }, (_, i) => ({
          handleId: `custom-net.gone-${i}`,
          namespace: 'default',
          pod: `gone-${i}`,
        })),
      ]);
    });
    const f = a.findings.find((x) => x.id === 'leaked-ipam')!;
    expect(f.data).toMatchObject({ podHandles: 26, leakedHandles: 25, leakedAllocations: 25 });
    expect(f.title).toBe(
      '25 of 26 Calico pod IPAM handles belong to pods that no longer exist (25 addresses held)',
    );
  });

  it('leads with the addresses when more addresses than handles are leaked', async () => {
    const a = await analyse((h) => {
      h.create('/registry/namespaces/default', bytesValue(namespaceObject('default')));
      writeIpam(h, 'node-1', [
        ...Array.from({ length: 21 }, (_, i) => ({
          handleId: `h-${i}`,
          namespace: 'default',
          pod: `gone-${i}`,
        })),
      ]);
      // The handle objects are gone, the block allocations stay.
      for (let i = 0; i < 21; i++) h.delete(`/registry/crd.projectcalico.org/ipamhandles/h-${i}`);
    });
    const f = a.findings.find((x) => x.id === 'leaked-ipam')!;
    expect(f.data).toMatchObject({ podHandles: 0, leakedHandles: 0, leakedAllocations: 21 });
    expect(f.title).toBe(
      '21 Calico IPAM addresses are held for pods that no longer exist (0 of 0 pod handles leaked)',
    );
  });

  it('says of which pods the leaked handles are: a handle no block allocation refers to names no pod', async () => {
    const gone = 21;
    const unallocated = 4;
    const a = await analyse((h) => {
      h.create('/registry/namespaces/default', bytesValue(namespaceObject('default')));
      h.create('/registry/pods/default/live', bytesValue(pod('default', 'live')));
      writeIpam(h, 'node-1', [
        { handleId: podHandleId(1), namespace: 'default', pod: 'live' },
        ...Array.from({ length: gone }, (_, i) => ({
          handleId: podHandleId(100 + i),
          namespace: 'default',
          pod: `gone-${i}`,
        })),
      ]);
      for (let i = 0; i < unallocated; i++) {
        const id = podHandleId(200 + i);
        h.create(
          `/registry/crd.projectcalico.org/ipamhandles/${id}`,
          jsonValue(ipamHandle(id, '10.1.0.0/28')),
        );
      }
    });
    const f = a.findings.find((x) => x.id === 'leaked-ipam')!;
    expect(f.data).toMatchObject({ leakedHandles: gone + unallocated, handlesWithPodMissing: gone });
    // The count the headline puts next to "pods that no longer exist" is the handles of gone pods.
    const claimed =
      /([\d,]+)(?: of [\d,]+ Calico pod IPAM handles belong to| of)? pods that no longer exist/.exec(f.title);
    expect({ title: f.title, claimed: claimed?.[1] }).toEqual({ title: f.title, claimed: String(gone) });
    expect(f.title).toContain(`${unallocated} with no address`);
  });
});

describe('leaked-ipam remediation', () => {
  it('runs no calicoctl command the cluster’s own calicoctl lacks (ipam check and release came with v3.18)', async () => {
    const cluster = CALICO_CLUSTERS.find((c) => c.name === 'calico-v3.13-incident')!;
    const a = await analyse(cluster.write);
    const f = a.findings.find((x) => x.id === 'leaked-ipam')!;
    const [, minor] = CALICO_V3_13.version.slice(1).split('.').map(Number);
    expect(minor).toBeLessThan(18);
    const run = f.remediation.split('\n').filter((line) => !line.startsWith('#'));
    expect(run.filter((line) => /^calicoctl (ipam|datastore)/.test(line))).toEqual([]);
    // What to do is still said: upgrade Calico, whose controllers then free the addresses.
    expect(f.remediation).toMatch(/upgrade Calico/);
  });
});

describe('leaked-ipam data for the plan', () => {
  // The incident runs Calico v3.29.3 (ClusterInformation and image), whose garbage collector frees the
  // addresses of deleted pods once it may list and watch them: the rbac-gap finding's fix.
  it('says the leak waits for the RBAC fix only where the Calico release frees addresses itself', async () => {
    const incident = await analyse((h) => {
      writeIncident(h);
    });
    const v313 = await analyse(CALICO_CLUSTERS.find((c) => c.name === 'calico-v3.13-incident')!.write);
    const data = (a: Awaited<ReturnType<typeof analyse>>) =>
      a.findings.find((f) => f.id === 'leaked-ipam')!.data;
    expect(incident.findings.map((f) => f.id)).toContain('rbac-gap');
    expect(data(incident).waitsForRbac).toBe(true);
    expect(v313.findings.map((f) => f.id)).not.toContain('rbac-gap');
    expect(data(v313).waitsForRbac).toBe(false);
  });
});
