import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Analysis } from '../../src/analysis-types.js';
import { abandonedWebhooksCheck } from '../../src/checks/abandoned-webhooks.js';
import { runChecks } from '../../src/checks/index.js';
import { LEASE_TRANSITIONS_WARNING, leaderChurnCheck } from '../../src/checks/leader-churn.js';
import { IPAM_LEAK_WARNING, leakedIpamCheck } from '../../src/checks/leaked-ipam.js';
import { rbacGapsCheck } from '../../src/checks/rbac-gaps.js';
import { HOT_KEY_MIN_REVISIONS, writeHotSpotCheck } from '../../src/checks/write-hot-spot.js';
import type { ControllerRbac, IpamSummary, LeaseRecord, WebhookRecord } from '../../src/scan/index.js';
import { analysis, kine } from './fixture.js';

const lease = (name: string, transitions: number | null): LeaseRecord => ({
  namespace: 'kube-system',
  name,
  key: `/registry/leases/kube-system/${name}`,
  revision: 10,
  retainedRevisions: 3,
  holderIdentity: 'node-1_x',
  leaseDurationSeconds: 15,
  acquireTime: null,
  renewTime: '2026-01-11T00:00:00Z',
  leaseTransitions: transitions,
  createdAt: '2026-01-01T00:00:00Z',
});

describe('leader-election churn', () => {
  it('warns from 100 transitions, with the rate per day since the lease was created', () => {
    expect(
      leaderChurnCheck.run(analysis({ leases: [lease('kube-scheduler', LEASE_TRANSITIONS_WARNING - 1)] })),
    ).toEqual([]);
    const [f] = leaderChurnCheck.run(
      analysis({ leases: [lease('kube-scheduler', 250), lease('other', null)] }),
    );
    expect(f).toMatchObject({ severity: 'warning', data: { leases: ['kube-system/kube-scheduler'] } });
    expect(f!.evidence[0]).toContain('(25.0 per day)');
  });
});

const calico = (over: Partial<ControllerRbac>): Analysis => {
  const a = analysis();
  a.objects!.controllers = [
    {
      controller: 'calico-kube-controllers',
      serviceAccount: 'kube-system/calico-kube-controllers',
      installedBecause: ['ServiceAccount kube-system/calico-kube-controllers exists'],
      bindings: [],
      roles: [],
      expectedRoleBound: false,
      missingRoles: [],
      unreadableRoles: [],
      ...over,
    },
  ];
  return a;
};

describe('RBAC gaps', () => {
  it('with no binding at all, everything is missing and the binding is part of the fix', () => {
    const [f] = rbacGapsCheck.run(calico({}));
    expect(f!.data.missingVerbs).toBe(3 + 3 + 1 + 6 * 3 + 2 + 5 + 5 + 5);
    const yaml = f!.remediation.slice(
      f!.remediation.indexOf("<<'EOF'\n") + 8,
      f!.remediation.lastIndexOf('\nEOF'),
    );
    const [role, binding] = yaml.split('---\n').map((doc) => parse(doc));
    expect(role.rules).toContainEqual({
      apiGroups: [''],
      resources: ['pods'],
      verbs: ['get', 'list', 'watch'],
    });
    expect(binding).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'calico-kube-controllers' },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'calico-kube-controllers',
      },
      subjects: [{ kind: 'ServiceAccount', name: 'calico-kube-controllers', namespace: 'kube-system' }],
    });
  });

  it('counts wildcard rules as grants and checks nothing it cannot read or that is not installed', () => {
    const admin = { name: 'cluster-admin', key: '/registry/clusterroles/cluster-admin', revision: 1 };
    const wildcard = {
      verbs: ['*'],
      apiGroups: ['*'],
      resources: ['*'],
      resourceNames: [],
      nonResourceURLs: [],
    };
    const bound = [{ name: 'b', key: '/registry/clusterrolebindings/b', clusterRole: 'cluster-admin' }];
    expect(rbacGapsCheck.run(calico({ bindings: bound, roles: [{ ...admin, rules: [wildcard] }] }))).toEqual(
      [],
    );
    expect(rbacGapsCheck.run(calico({ bindings: bound, unreadableRoles: ['cluster-admin'] }))).toEqual([]);
    expect(rbacGapsCheck.run(calico({ installedBecause: [] }))).toEqual([]);
  });
});

const webhook = (over: Partial<WebhookRecord>): WebhookRecord => ({
  kind: 'ValidatingWebhookConfiguration',
  configuration: 'mixed',
  key: '/registry/validatingwebhookconfigurations/mixed',
  webhook: 'a.example.com',
  index: 0,
  webhooksInConfiguration: 3,
  failurePolicy: 'Ignore',
  timeoutSeconds: 10,
  url: null,
  service: { namespace: 'gone', name: 'svc', port: null, path: null },
  serviceKey: '/registry/services/specs/gone/svc',
  serviceExists: false,
  namespaceExists: true,
  ...over,
});

describe('abandoned webhooks', () => {
  it('patches out only the orphaned webhooks of a configuration that still has working ones', () => {
    const a = analysis();
    a.objects!.webhooks = [
      webhook({}),
      webhook({ webhook: 'b.example.com', index: 1, serviceExists: true }),
      webhook({ webhook: 'c.example.com', index: 2 }),
    ];
    const [f] = abandonedWebhooksCheck.run(a);
    expect(f).toMatchObject({ severity: 'warning', data: { orphanedWebhooks: 2, failClosed: 0 } });
    expect(f!.remediation).toContain(
      `microk8s kubectl patch validatingwebhookconfiguration mixed --type=json -p '[{"op":"remove","path":"/webhooks/2"},{"op":"remove","path":"/webhooks/0"}]'`,
    );
    expect(f!.remediation).not.toContain('delete');
  });
});

const ipam = (over: Partial<IpamSummary>): Analysis => {
  const a = analysis();
  a.objects!.ipam = {
    handles: 10,
    podHandles: 9,
    blocks: 1,
    allocations: 10,
    podAllocations: 9,
    leakedHandles: 0,
    handlesWithPodMissing: 0,
    handlesWithoutAllocation: 0,
    leakedAllocations: 0,
    examples: [],
    ...over,
  };
  return a;
};

describe('leaked Calico IPAM', () => {
  it('reports a handful as info (the controller waits 15 minutes before releasing), more as a warning', () => {
    expect(leakedIpamCheck.run(ipam({}))).toEqual([]);
    expect(leakedIpamCheck.run(ipam({ leakedHandles: 2, handlesWithPodMissing: 2 }))[0]?.severity).toBe(
      'info',
    );
    const [f] = leakedIpamCheck.run(
      ipam({ leakedHandles: IPAM_LEAK_WARNING, handlesWithoutAllocation: IPAM_LEAK_WARNING }),
    );
    expect(f?.severity).toBe('warning');
    expect(f!.remediation).toContain('calicoctl ipam release --from-report=report.json');
    expect(f!.remediation).toContain('calicoctl datastore migrate unlock');
  });
});

describe('write hot spot', () => {
  const key = (revisions: number, share: number) => ({
    key: '/registry/masterleases/10.0.0.1',
    prefix: 'masterleases',
    resource: 'masterleases',
    revisions,
    share,
    bytes: revisions * 100,
    oldestRevision: 1,
    latestRevision: revisions,
    deleted: false,
  });

  it('needs both many revisions and a large share', () => {
    expect(writeHotSpotCheck.run(analysis({ hotKeys: [key(HOT_KEY_MIN_REVISIONS - 1, 0.9)] }))).toEqual([]);
    expect(writeHotSpotCheck.run(analysis({ hotKeys: [key(50_000, 0.1)] }))).toEqual([]);
    const [f] = writeHotSpotCheck.run(analysis({ hotKeys: [key(3_417, 0.3)] }));
    expect(f).toMatchObject({ severity: 'warning', data: { keys: ['/registry/masterleases/10.0.0.1'] } });
    expect(f!.remediation).toContain('microk8s kubectl get masterleases 10.0.0.1 --show-managed-fields');
  });
});

describe('runChecks', () => {
  it('orders findings by severity and writes Canonical Kubernetes paths for its data directory', () => {
    const a = analysis({
      kine: kine({ gapRows: 3, historyRows: 60_000, historyBytes: 4e7 }),
      leases: [lease('kube-scheduler', 5000)],
    });
    a.source.path = '/var/snap/k8s/common/var/lib/k8s-dqlite';
    const findings = runChecks(a);
    expect(findings.map((f) => `${f.severity} ${f.id}`)).toEqual([
      'critical compaction-backlog',
      'critical leader-election-churn',
      'info kine-bookkeeping',
    ]);
    expect(findings[1]!.remediation).toContain('sudo k8s kubectl -n kube-system get lease kube-scheduler');
    expect(findings[2]!.remediation).toContain(
      '/snap/k8s/current/bin/dqlite -s file:///var/snap/k8s/common/var/lib/k8s-dqlite/',
    );
  });
});
