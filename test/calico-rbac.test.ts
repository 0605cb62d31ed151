// Issue #11's acceptance fixtures on snapshots written by a real dqlite node: RBAC judged against the
// Calico release each cluster runs, read from the snapshot (the Deployment's image tag, ClusterInformation
// `default`, ENABLED_CONTROLLERS). Each fixture is analysed through core and through the built CLI,
// whose verdict is checked end to end. The stored values were encoded by hand from the upstream field
// numbers (packages/test-support/src/k8s-values.ts), not by the analyzer's decoders.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Analysis, analyze, type Finding } from '@dqlite-analyzer/core';
import { CALICO_CLUSTERS, V3_13_LEAKED_PODS } from '@dqlite-analyzer/test-support/calico-clusters';
import { stopAllNodes } from '@dqlite-analyzer/test-support/dqlite-node';
import { writeFixtureSnapshot } from '@dqlite-analyzer/test-support/fixture-snapshots';
import { extractWithCli, sqlite } from '@dqlite-analyzer/test-support/independent';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli } from './cli/run-cli.js';

const ACCEPTANCE = CALICO_CLUSTERS;
let scratch: string;
const analyses = new Map<string, Analysis>();
const cli = new Map<string, CliResult>();
const paths = new Map<string, string>();

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'dqa-calico-rbac-'));
  for (const cluster of ACCEPTANCE) {
    const snapshot = await writeFixtureSnapshot(cluster, scratch);
    paths.set(cluster.name, snapshot.dataPath);
    analyses.set(cluster.name, await analyze(snapshot.dataPath, { tempDir: scratch }));
    cli.set(cluster.name, await runCli([snapshot.dataPath]));
  }
});

afterAll(async () => {
  await stopAllNodes();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

const findings = (name: string): Finding[] => analyses.get(name)!.findings;
const rbacGap = (name: string): Finding => {
  const found = findings(name).find((f) => f.id === 'rbac-gap');
  if (!found) throw new Error(`no rbac-gap in ${name}`);
  return found;
};

describe('RBAC judged against the Calico release the cluster runs (real snapshots)', () => {
  it.each(ACCEPTANCE.map((c) => [c.name, c] as const))(
    '%s: the findings and the CLI verdict',
    (name, cluster) => {
      expect(findings(name).map((f) => `${f.severity} ${f.id}`)).toEqual(cluster.findings);
      const run = cli.get(name)!;
      expect(run.stdout.split('\n')[4]).toBe(cluster.verdict);
      expect(run.code).toBe(cluster.verdict === 'NOT READY' ? 4 : 0);
    },
  );

  it('(a)/(b) read the version and the controllers from the snapshot itself', () => {
    const v329 = analyses.get('calico-v3.29-healthy')!.objects!;
    expect(v329.clusterInformation?.calicoVersion).toBe('v3.29.3');
    expect(v329.controllers[0]!.deployment).toMatchObject({
      image: 'docker.io/calico/kube-controllers:v3.29.3',
      env: { ENABLED_CONTROLLERS: 'node' },
    });
    const v313 = analyses.get('calico-v3.13-incident-fix')!.objects!;
    expect(v313.clusterInformation?.calicoVersion).toBe('v3.13.2');
    expect(v313.controllers[0]!.deployment?.image).toBe('calico/kube-controllers:v3.13.2');
    // v3.13's role has none of what v3.29 added: judged against v3.29 this cluster would be NOT READY.
    const pods = v313.controllers[0]!.roles[0]!.rules.find((r) => r.resources.includes('pods'));
    expect(pods?.verbs).toEqual(['get', 'list', 'watch']);
  });

  it("(c) the incident on v3.13: v3.13's role covers what v3.13 uses; the leak is the finding, and says why", async () => {
    const leak = findings('calico-v3.13-incident').find((f) => f.id === 'leaked-ipam')!;
    expect(leak.data).toMatchObject({ leakedAllocations: V3_13_LEAKED_PODS });
    expect(leak.evidence).toContain(
      'Calico v3.13.2 (image calico/kube-controllers:v3.13.2) frees addresses only of deleted nodes and gets pods one at a time ' +
        '(projectcalico/kube-controllers:pkg/controllers/node/ipam.go@v3.13.2); it never frees the address of a deleted pod ' +
        'on a live node: that came with v3.20 (a pod informer, hence list/watch on pods), so no ClusterRole change stops this leak',
    );
    // The stored pods rule is v3.13's: only get, read back with sqlite3 from the same snapshot.
    const extraction = await extractWithCli(paths.get('calico-v3.13-incident')!);
    try {
      const k8s = extraction.databases.find((d) => d.name === 'k8s')!.mainPath;
      const [row] = await sqlite<{ n: number }>(
        k8s,
        "SELECT count(*) AS n FROM kine WHERE name = '/registry/deployments/kube-system/calico-kube-controllers' " +
          "AND instr(value, CAST('calico/kube-controllers:v3.13.2' AS BLOB)) > 0",
      );
      expect(row!.n).toBe(1);
    } finally {
      await extraction.cleanup();
    }
  });

  it('(d) a ServiceAccount no ClusterRoleBinding grants anything: its own headline, the v3.29 role and a binding as the fix', () => {
    const f = rbacGap('calico-v3.29-no-binding');
    expect(f.title).toBe('no ClusterRoleBinding grants kube-system/calico-kube-controllers anything');
    expect(f.data).toMatchObject({ calicoVersion: 'v3.29.3', grantedNothing: true, missingVerbs: 0 });
    expect(f.remediation).toContain('kind: ClusterRoleBinding');
    expect(f.remediation).toContain('- tiers');
  });

  it('(e) no Calico deployed: no Calico finding, though a ClusterRole and its binding were left behind', () => {
    const objects = analyses.get('no-calico')!.objects!;
    expect(objects.controllers[0]).toMatchObject({
      deployed: false,
      deployment: null,
      serviceAccount: 'kube-system/calico-kube-controllers',
    });
    expect(objects.controllers[0]!.roles).toHaveLength(1);
    expect(objects.ipam).toBeNull();
    expect(objects.clusterInformation).toBeNull();
    expect(findings('no-calico').filter((f) => ['rbac-gap', 'leaked-ipam'].includes(f.id))).toEqual([]);
  });
});
