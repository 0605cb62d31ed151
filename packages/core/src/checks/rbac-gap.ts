import { createRequire } from 'node:module';
import type { Analysis, Finding } from '../analysis-types.js';
import { formatCount } from '../format.js';
import { missingVerbs, type PolicyRule } from '../k8s/rbac.js';
import { stringifyPlainYaml, type YamlMap } from '../plain-yaml.js';
import type { ControllerRbac } from '../scan/index.js';
import { type CalicoNeed, type CalicoRun, calicoRun } from './calico-requirements.js';
import type { Check } from './check.js';
import { distributionOf } from './commands.js';
import { shellQuote } from './shell.js';

const CONTROLLER = 'calico-kube-controllers';
const WORKLOAD = 'deployment/calico-kube-controllers';

/** What calico-kube-controllers is not granted, judged against the Calico release the cluster runs. */
export interface ControllerGap {
  rbac: ControllerRbac;
  run: CalicoRun;
  /** `<namespace>/<name>` of its ServiceAccount. */
  serviceAccount: string;
  /** No ClusterRoleBinding grants the ServiceAccount a ClusterRole that exists: it is granted nothing. */
  grantedNothing: boolean;
  /** Needs with at least one verb no bound ClusterRole grants; verbs lists only the missing ones. Empty when grantedNothing. */
  missing: CalicoNeed[];
}

/** The gap of calico-kube-controllers when it is deployed and lacks something (shared with the IPAM check). */
export function controllerGaps(analysis: Analysis): ControllerGap[] {
  const rbac = analysis.objects?.controllers.find((c) => c.controller === CONTROLLER);
  // Not deployed (a leftover ClusterRole or binding at most): nothing runs that could lack a permission.
  if (!rbac?.deployed) return [];
  const bound = new Set(rbac.bindings.map((b) => b.clusterRole));
  // A bound role we could not decode might grant anything: do not guess.
  if (rbac.unreadableRoles.some((name) => bound.has(name))) return [];
  const run = calicoRun(analysis, rbac);
  const boundRoles = rbac.roles.filter((r) => bound.has(r.name));
  const rules = boundRoles.flatMap((r) => r.rules);
  const missing = run.needs
    .map((need) => ({ ...need, verbs: missingVerbs(rules, need) }))
    .filter((need) => need.verbs.length > 0);
  const grantedNothing = boundRoles.length === 0;
  if (!grantedNothing && missing.length === 0) return [];
  const serviceAccount =
    rbac.serviceAccount ?? `${rbac.deployment?.namespace ?? 'kube-system'}/${CONTROLLER}`;
  return [{ rbac, run, serviceAccount, grantedNothing, missing: grantedNothing ? [] : missing }];
}

const asPolicyRule = (r: {
  apiGroups: readonly string[];
  resources: readonly string[];
  verbs: readonly string[];
}): PolicyRule => ({
  apiGroups: [...r.apiGroups],
  resources: [...r.resources],
  verbs: [...new Set(r.verbs)],
  resourceNames: [],
  nonResourceURLs: [],
});

/** Does `rules` grant every verb of `rule` on every group and resource it names? */
const covers = (rules: readonly PolicyRule[], rule: PolicyRule): boolean =>
  rule.resourceNames.length === 0 &&
  rule.nonResourceURLs.length === 0 &&
  rule.apiGroups.every((apiGroup) =>
    rule.resources.every(
      (resource) => missingVerbs(rules, { apiGroup, resource, verbs: rule.verbs }).length === 0,
    ),
  );

/**
 * The rules to apply: the ClusterRole of the Calico release the cluster runs, then every stored rule
 * that grants something beyond it (kept as stored), then any need still not granted (when the version
 * is unknown there is no release role to start from). No verb appears twice in a rule.
 */
export function correctedRules(gap: ControllerGap): PolicyRule[] {
  const stored = gap.rbac.roles.find((r) => r.name === CONTROLLER)?.rules ?? [];
  const rules = (gap.run.release?.clusterRole ?? []).map(asPolicyRule);
  for (const rule of stored) {
    if (!covers(rules, rule)) rules.push({ ...rule, verbs: [...new Set(rule.verbs)] });
  }
  for (const need of gap.run.needs) {
    const verbs = missingVerbs(rules, need);
    if (verbs.length === 0) continue;
    const same = rules.find(
      (r) =>
        r.apiGroups.length === 1 &&
        r.apiGroups[0] === need.apiGroup &&
        r.resources.length === 1 &&
        r.resources[0] === need.resource &&
        r.resourceNames.length === 0,
    );
    if (same) same.verbs = [...new Set([...same.verbs, ...verbs])];
    else rules.push(asPolicyRule({ apiGroups: [need.apiGroup], resources: [need.resource], verbs }));
  }
  return rules;
}

const toYamlRule = (r: PolicyRule) => {
  const rule: Record<string, string[]> = { apiGroups: r.apiGroups, resources: r.resources, verbs: r.verbs };
  if (r.resourceNames.length > 0) rule.resourceNames = r.resourceNames;
  if (r.nonResourceURLs.length > 0) rule.nonResourceURLs = r.nonResourceURLs;
  return rule;
};

/** The ClusterRole to apply, and the ClusterRoleBinding when the role is not bound to the ServiceAccount. */
export function correctedClusterRole(gap: ControllerGap): string {
  // The yaml package loads only for a name plain-yaml.ts leaves to it: its module costs ~15 ms.
  const stringify = (document: YamlMap) =>
    stringifyPlainYaml(document) ??
    (createRequire(import.meta.url)('yaml') as typeof import('yaml')).stringify(document);
  const documents = [
    stringify({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: CONTROLLER },
      rules: correctedRules(gap).map(toYamlRule),
    }),
  ];
  if (!gap.rbac.expectedRoleBound) {
    const [namespace, account] = gap.serviceAccount.split('/');
    documents.push(
      stringify({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: CONTROLLER },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: CONTROLLER },
        subjects: [{ kind: 'ServiceAccount', name: account, namespace }],
      }),
    );
  }
  return documents.join('---\n');
}

const groupLabel = (group: string) => (group === '' ? 'core' : group);
const versionLabel = (run: CalicoRun) => (run.version ? `Calico ${run.version}` : 'Calico version unknown');
const neededBy = (n: CalicoNeed) =>
  n.controller === 'kube-controllers' ? 'kube-controllers itself' : `the ${n.controller} controller`;

/** 5. calico-kube-controllers lacks permissions its release needs, so it fails quietly (e.g. IPAM GC). */
export const rbacGapCheck: Check = {
  id: 'rbac-gap',
  run(analysis: Analysis): Finding[] {
    const d = distributionOf(analysis);
    return controllerGaps(analysis).map((gap) => {
      const { rbac, run, serviceAccount } = gap;
      const [namespace, account] = serviceAccount.split('/') as [string, string];
      const count = gap.missing.reduce((sum, n) => sum + n.verbs.length, 0);
      const title = gap.grantedNothing
        ? rbac.bindings.length === 0
          ? `no ClusterRoleBinding grants ${serviceAccount} anything`
          : `the ClusterRoleBindings of ${serviceAccount} grant it nothing: ClusterRole ${rbac.missingRoles.join(', ')} does not exist`
        : `${CONTROLLER} (${versionLabel(run)}) is missing ${count} permission${count === 1 ? '' : 's'} it needs (${gap.missing
            .map((n) => `${n.verbs.join('/')} ${n.resource}`)
            .join(', ')})`;
      const first = gap.missing[0] ?? run.needs[0];
      return {
        id: 'rbac-gap',
        severity: 'critical',
        title,
        evidence: [
          ...run.evidence,
          ...rbac.installedBecause,
          rbac.bindings.length > 0
            ? `bound ClusterRoles: ${rbac.bindings.map((b) => `${b.clusterRole} (via ${b.key})`).join(', ')}`
            : `no ClusterRoleBinding names ServiceAccount ${serviceAccount} as a subject`,
          ...rbac.roles.map(
            (r) =>
              `ClusterRole ${r.name} (${r.key}, revision ${formatCount(r.revision)}) has ${r.rules.length} rules`,
          ),
          ...rbac.missingRoles.map((name) => `a binding names ClusterRole ${name}, which does not exist`),
          ...gap.missing.map(
            (n) =>
              `missing: ${n.verbs.join(', ')} on ${n.resource} (API group ${groupLabel(n.apiGroup)}), used by ${neededBy(n)}`,
          ),
          ...(first
            ? [
                `verify: ${d.kubectl} auth can-i ${shellQuote(first.verbs[0]!)} ${shellQuote(`${first.resource}${first.apiGroup ? `.${first.apiGroup}` : ''}`)} ${shellQuote(`--as=system:serviceaccount:${namespace}:${account}`)} -A  # prints no`,
              ]
            : []),
        ],
        remediation: [
          `# Keep the current role:`,
          `${d.kubectl} get clusterrole ${shellQuote(CONTROLLER)} -o yaml > ${shellQuote(`${CONTROLLER}.clusterrole.bak.yaml`)}`,
          (run.release
            ? `# Apply the ClusterRole of Calico ${run.release.line} (${run.release.source}), stored rules beyond it kept`
            : '# Apply the corrected ClusterRole (stored rules kept, missing verbs added)') +
            (rbac.expectedRoleBound ? ':' : `, and bind it to ServiceAccount ${serviceAccount}:`),
          `${d.kubectl} apply -f - <<'EOF'`,
          correctedClusterRole(gap).trimEnd(),
          'EOF',
          '# Restart the controller so it lists and watches with the new permissions:',
          `${d.kubectl} -n ${shellQuote(namespace)} rollout restart ${shellQuote(WORKLOAD)}`,
        ].join('\n'),
        data: {
          controller: CONTROLLER,
          serviceAccount,
          calicoVersion: run.version,
          releaseLine: run.release?.line ?? null,
          controllers: run.controllers,
          grantedNothing: gap.grantedNothing,
          // The remediation adds the ClusterRoleBinding only when the role is not bound yet.
          roleBound: rbac.expectedRoleBound,
          missing: gap.missing.map((n) => `${n.apiGroup}/${n.resource}:${n.verbs.join(',')}`),
          missingVerbs: count,
        },
      };
    });
  },
};
