import { CALICO_V3_13_RULES, INCIDENT_FIX_V3_13_RULES } from '@dqlite-analyzer/test-support/calico-clusters';
import { CALICO_RULES } from '@dqlite-analyzer/test-support/clean';
import type { Rule } from '@dqlite-analyzer/test-support/k8s-values';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Analysis } from '../../src/analysis-types.js';
import { abandonedWebhookCheck } from '../../src/checks/abandoned-webhook.js';
import { CALICO_RELEASES } from '../../src/checks/calico-releases.js';
import { runChecks } from '../../src/checks/index.js';
import {
  LEASE_TRANSITIONS_WARNING,
  leaderElectionChurnCheck,
} from '../../src/checks/leader-election-churn.js';
import { IPAM_LEAK_WARNING, leakedIpamCheck } from '../../src/checks/leaked-ipam.js';
import { rbacGapCheck } from '../../src/checks/rbac-gap.js';
import { HOT_KEY_MIN_REVISIONS, writeHotSpotCheck } from '../../src/checks/write-hot-spot.js';
import type { PolicyRule } from '../../src/k8s/rbac.js';
import type { ControllerRbac, IpamSummary, LeaseRecord, WebhookRecord } from '../../src/scan/index.js';
import { analysis, kine, withWebhooks } from './fixture.js';

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
      leaderElectionChurnCheck.run(
        analysis({ leases: [lease('kube-scheduler', LEASE_TRANSITIONS_WARNING - 1)] }),
      ),
    ).toEqual([]);
    const [f] = leaderElectionChurnCheck.run(
      analysis({ leases: [lease('kube-scheduler', 250), lease('other', null)] }),
    );
    expect(f).toMatchObject({ severity: 'warning', data: { leases: ['kube-system/kube-scheduler'] } });
    expect(f!.evidence[0]).toContain('(25.0 per day)');
  });
});

const ROLE_KEY = '/registry/clusterroles/calico-kube-controllers';
const BINDING = {
  name: 'calico-kube-controllers',
  key: '/registry/clusterrolebindings/calico-kube-controllers',
  clusterRole: 'calico-kube-controllers',
};
const policyRules = (rules: Rule[]): PolicyRule[] =>
  rules.map((r) => ({ ...r, resourceNames: [], nonResourceURLs: [] }));

/** calico-kube-controllers deployed in kube-system with `image`, bound to a ClusterRole of `rules`. */
const calico = (
  over: Partial<ControllerRbac> & { image?: string | null; enabled?: string; rules?: Rule[]; info?: string },
): Analysis => {
  const { image = 'docker.io/calico/kube-controllers:v3.29.3', enabled, rules, info, ...rest } = over;
  const a = analysis();
  a.objects!.controllers = [
    {
      controller: 'calico-kube-controllers',
      serviceAccount: 'kube-system/calico-kube-controllers',
      installedBecause: ['ServiceAccount kube-system/calico-kube-controllers exists'],
      deployed: true,
      deployment:
        image === null
          ? null
          : {
              key: '/registry/deployments/kube-system/calico-kube-controllers',
              revision: 7,
              namespace: 'kube-system',
              image,
              env: enabled === undefined ? {} : { ENABLED_CONTROLLERS: enabled },
            },
      bindings: rules ? [BINDING] : [],
      roles: rules
        ? [{ name: 'calico-kube-controllers', key: ROLE_KEY, revision: 5, rules: policyRules(rules) }]
        : [],
      expectedRoleBound: rules !== undefined,
      missingRoles: [],
      unreadableRoles: [],
      ...rest,
    },
  ];
  if (info) {
    a.objects!.clusterInformation = {
      key: '/registry/crd.projectcalico.org/clusterinformations/default',
      revision: 3,
      calicoVersion: info,
    };
  }
  return a;
};

const appliedYaml = (remediation: string) =>
  remediation
    .slice(remediation.indexOf("<<'EOF'\n") + 8, remediation.lastIndexOf('\nEOF'))
    .split('---\n')
    .map((doc) => parse(doc));

describe('RBAC gaps, judged against the Calico release that runs', () => {
  it("v3.13's own ClusterRole on v3.13 (image tag) needs nothing more, nor does the incident's fix", () => {
    expect(
      rbacGapCheck.run(calico({ image: 'calico/kube-controllers:v3.13.2', rules: CALICO_V3_13_RULES })),
    ).toEqual([]);
    expect(
      rbacGapCheck.run(calico({ image: 'calico/kube-controllers:v3.13.2', rules: INCIDENT_FIX_V3_13_RULES })),
    ).toEqual([]);
    // The version from ClusterInformation when the Deployment is not in the snapshot.
    expect(rbacGapCheck.run(calico({ image: null, info: 'v3.13.2', rules: CALICO_V3_13_RULES }))).toEqual([]);
  });

  it("v3.13's ClusterRole under a v3.29 controller misses exactly what v3.29 added", () => {
    const [f] = rbacGapCheck.run(calico({ rules: CALICO_V3_13_RULES, info: 'v3.29.3' }));
    expect(f!.title).toBe(
      'calico-kube-controllers (Calico v3.29.3) is missing 24 permissions it needs (list/watch pods, list ipreservations, ' +
        'watch blockaffinities, watch ipamblocks, watch ipamhandles, get/list/create/update/delete/watch tiers, watch ippools, ' +
        'get/list/create/update/delete hostendpoints, list/watch clusterinformations, get/create/update/watch kubecontrollersconfigurations)',
    );
    expect(f!.data).toMatchObject({
      calicoVersion: 'v3.29.3',
      releaseLine: 'v3.29',
      controllers: ['node'],
      missingVerbs: 24,
    });
    expect(f!.evidence[0]).toBe(
      'Calico v3.29.3: the image docker.io/calico/kube-controllers:v3.29.3 of Deployment kube-system/calico-kube-controllers ' +
        '(/registry/deployments/kube-system/calico-kube-controllers)',
    );
    expect(f!.evidence).toContain(
      'required permissions from: projectcalico/calico:charts/calico/templates/calico-kube-controllers-rbac.yaml@v3.29.7 (Calico v3.29.0–v3.29.7)',
    );
    expect(f!.evidence).toContain(
      'missing: list, watch on pods (API group core), used by the node controller',
    );
    expect(f!.evidence.at(-1)).toBe(
      'verify: microk8s kubectl auth can-i list pods --as=system:serviceaccount:kube-system:calico-kube-controllers -A  # prints no',
    );
    // The applied role is v3.29's, verbatim: what the release ships, each verb once.
    const [role] = appliedYaml(f!.remediation);
    expect(role.rules).toEqual(CALICO_RULES);
    expect(f!.remediation).toContain(
      '# Apply the ClusterRole of Calico v3.29 (projectcalico/calico:charts/calico/templates/calico-kube-controllers-rbac.yaml@v3.29.7), stored rules beyond it kept:',
    );
  });

  it('only the controllers ENABLED_CONTROLLERS names decide (v3.31: loadbalancer needs services and namespaces)', () => {
    const v331 = 'quay.io/calico/kube-controllers:v3.31.7';
    // v3.31's own role without the two LoadBalancer rules.
    const withIpam = CALICO_RELEASES.find((r) => r.line === 'v3.31')!
      .clusterRole.filter((r) => !r.resources.includes('services') && !r.resources.includes('namespaces'))
      .map((r) => ({ apiGroups: [...r.apiGroups], resources: [...r.resources], verbs: [...r.verbs] }));
    expect(withIpam).toHaveLength(8);
    expect(rbacGapCheck.run(calico({ image: v331, enabled: 'node', rules: withIpam }))).toEqual([]);
    const [f] = rbacGapCheck.run(calico({ image: v331, enabled: 'node,loadbalancer', rules: withIpam }));
    expect(f!.data.missing).toEqual([
      '/namespaces:get,list,watch',
      '/services:get,list,update,watch',
      '/services/status:get,list,update,watch',
    ]);
    expect(f!.evidence).toContain(
      'ENABLED_CONTROLLERS=node,loadbalancer (Deployment kube-system/calico-kube-controllers)',
    );
  });

  it('an unknown version is judged on what every release needs, and says so', () => {
    const rules = CALICO_V3_13_RULES.filter((r) => !r.resources.includes('pods'));
    const [f] = rbacGapCheck.run(
      calico({ image: `calico/kube-controllers@sha256:${'ab'.repeat(32)}`, rules }),
    );
    expect(f!.title).toBe(
      'calico-kube-controllers (Calico version unknown) is missing 1 permission it needs (get pods)',
    );
    expect(f!.evidence[0]).toMatch(
      /^Calico version unknown \(no tagged calico-kube-controllers image, no ClusterInformation calicoVersion\): only the permissions every release from v3.13 on need/,
    );
    expect(f!.data).toMatchObject({ calicoVersion: null, releaseLine: null, missing: ['/pods:get'] });
    // No release role to start from: the stored rules, plus the missing verb.
    expect(appliedYaml(f!.remediation)[0].rules).toContainEqual({
      apiGroups: [''],
      resources: ['pods'],
      verbs: ['get'],
    });
  });

  it('says when calico-node runs another line, and judges a version outside the table on the common needs', () => {
    const [mixed] = rbacGapCheck.run(calico({ rules: CALICO_V3_13_RULES, info: 'v3.13.2' }));
    expect(mixed!.evidence[1]).toBe(
      'ClusterInformation default (/registry/crd.projectcalico.org/clusterinformations/default) says v3.13.2: ' +
        'calico-node runs another release line than calico-kube-controllers',
    );
    expect(mixed!.data.releaseLine).toBe('v3.29');
    const newer = calico({ image: 'quay.io/calico/kube-controllers:v3.40.0', rules: CALICO_V3_13_RULES });
    expect(rbacGapCheck.run(newer)).toEqual([]);
    const [f] = rbacGapCheck.run(
      calico({ image: 'quay.io/calico/kube-controllers:v3.40.0', rules: CALICO_V3_13_RULES.slice(1) }),
    );
    expect(f!.evidence[1]).toBe(
      'Calico v3.40.0 is outside the table (v3.13–v3.32): only the permissions every release of the table needs are judged',
    );
    expect(f!.data).toMatchObject({
      calicoVersion: 'v3.40.0',
      releaseLine: null,
      missing: ['/nodes:watch,list,get'],
    });
  });

  it('a ServiceAccount no ClusterRoleBinding grants anything gets its own headline and the binding in the fix', () => {
    const [f] = rbacGapCheck.run(calico({}));
    expect(f!.title).toBe('no ClusterRoleBinding grants kube-system/calico-kube-controllers anything');
    expect(f!.data).toMatchObject({ grantedNothing: true, missing: [], missingVerbs: 0 });
    expect(f!.evidence.some((e) => e.startsWith('missing:'))).toBe(false);
    const [role, binding] = appliedYaml(f!.remediation);
    expect(role.rules).toEqual(CALICO_RULES);
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

  it('keeps stored rules beyond the release role, each verb once', () => {
    const rules: Rule[] = [
      ...CALICO_V3_13_RULES,
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'get', 'delete'] },
    ];
    const [f] = rbacGapCheck.run(calico({ rules }));
    const applied = appliedYaml(f!.remediation)[0].rules as Rule[];
    expect(applied.slice(0, CALICO_RULES.length)).toEqual(CALICO_RULES);
    expect(applied.slice(CALICO_RULES.length)).toEqual([
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'delete'] },
    ]);
    for (const r of applied) expect(new Set(r.verbs).size).toBe(r.verbs.length);
  });

  it('counts wildcard rules as grants and checks nothing it cannot read or that is not deployed', () => {
    const wildcard: Rule = { verbs: ['*'], apiGroups: ['*'], resources: ['*'] };
    const admin = { ...BINDING, clusterRole: 'cluster-admin' };
    const adminRole = { name: 'cluster-admin', key: '/registry/clusterroles/cluster-admin', revision: 1 };
    expect(
      rbacGapCheck.run(
        calico({ bindings: [admin], roles: [{ ...adminRole, rules: policyRules([wildcard]) }] }),
      ),
    ).toEqual([]);
    expect(rbacGapCheck.run(calico({ bindings: [admin], unreadableRoles: ['cluster-admin'] }))).toEqual([]);
    // A leftover ClusterRole and binding of an uninstalled Calico: nothing runs, nothing to judge.
    expect(
      rbacGapCheck.run(
        calico({ deployed: false, image: null, serviceAccount: null, rules: [wildcard].slice(1) }),
      ),
    ).toEqual([]);
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
    const a = withWebhooks(analysis(), [
      webhook({}),
      webhook({ webhook: 'b.example.com', index: 1, serviceExists: true }),
      webhook({ webhook: 'c.example.com', index: 2 }),
    ]);
    const [f] = abandonedWebhookCheck.run(a);
    expect(f).toMatchObject({ severity: 'warning', data: { orphanedWebhooks: 2, failClosed: 0 } });
    expect(f!.remediation).toContain(
      `microk8s kubectl patch validatingwebhookconfiguration mixed --type=json -p '[{"op":"remove","path":"/webhooks/2"},{"op":"remove","path":"/webhooks/0"}]'`,
    );
    expect(f!.remediation).not.toContain('delete');
  });

  it('names the configurations whose orphaned webhooks fail closed apart from the others', () => {
    const closed = { configuration: 'closed', key: '/registry/validatingwebhookconfigurations/closed' };
    const a = withWebhooks(analysis(), [
      webhook({ ...closed, failurePolicy: 'Fail', webhooksInConfiguration: 1 }),
      webhook({ webhooksInConfiguration: 1 }),
    ]);
    const [f] = abandonedWebhookCheck.run(a);
    expect(f!.data).toMatchObject({ failClosed: 1, configurations: ['closed', 'mixed'] });
    expect(f!.data.failClosedConfigurations).toEqual(['closed']);
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
      kine: kine({ gapRows: 3, gapRowsCompacted: 3, historyRows: 60_000, historyBytes: 4e7 }),
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

describe('runChecks on a crafted snapshot', () => {
  it('bounds every list of a finding: 5,000 configurations of 40 orphaned webhooks each', () => {
    const records = Array.from({ length: 200_000 }, (_, i) => {
      const configuration = `cfg-${Math.floor(i / 40)}`;
      return webhook({
        configuration,
        key: `/registry/validatingwebhookconfigurations/${configuration}`,
        webhook: `w${i}.example.com`,
        index: i % 40,
        webhooksInConfiguration: 40,
      });
    });
    const [f] = runChecks(withWebhooks(analysis(), records)).filter(
      (finding) => finding.id === 'abandoned-webhook',
    );
    // Figures count everything; lists show the first LIST_LIMIT (50) and say how many more.
    expect(f!.data.orphanedWebhooks).toBe(200_000);
    expect(f!.evidence).toHaveLength(51);
    expect(f!.evidence.at(-1)).toBe('… and 399,951 more evidence lines (the first 50 are shown)');
    expect(f!.data.configurations).toHaveLength(50);
    expect(f!.data.configurationsTotal).toBe(5_000);
    expect(JSON.stringify(f!.evidence).length).toBeLessThan(64 * 1024);
  }, 20_000);
});
