import { createRequire } from 'node:module';
import type { Analysis, Finding } from '../analysis-types.js';
import { missingVerbs, type PolicyRule, type RbacNeed } from '../k8s/rbac.js';
import type { ControllerRbac } from '../scan/index.js';
import type { Check } from './check.js';
import { distributionOf } from './commands.js';
import { type ControllerRequirement, RBAC_REQUIREMENTS } from './rbac-requirements.js';

/** One controller's missing permissions, verb by verb. */
export interface ControllerGap {
  requirement: ControllerRequirement;
  rbac: ControllerRbac;
  /** Needs with at least one verb no bound ClusterRole grants; verbs lists only the missing ones. */
  missing: RbacNeed[];
}

/** Gaps of every installed controller of the requirements table (shared with the IPAM check). */
export function controllerGaps(analysis: Analysis): ControllerGap[] {
  const gaps: ControllerGap[] = [];
  for (const requirement of RBAC_REQUIREMENTS) {
    const rbac = analysis.objects?.controllers.find((c) => c.controller === requirement.controller);
    if (!rbac || rbac.installedBecause.length === 0) continue;
    const bound = new Set(rbac.bindings.map((b) => b.clusterRole));
    // A bound role we could not decode might grant anything: do not guess.
    if (rbac.unreadableRoles.some((name) => bound.has(name))) continue;
    const rules = rbac.roles.filter((r) => bound.has(r.name)).flatMap((r) => r.rules);
    const missing = requirement.needs
      .map((need) => ({ ...need, verbs: missingVerbs(rules, need) }))
      .filter((need) => need.verbs.length > 0);
    if (missing.length > 0) gaps.push({ requirement, rbac, missing });
  }
  return gaps;
}

const toYamlRule = (r: PolicyRule) => {
  const rule: Record<string, string[]> = {
    apiGroups: [...r.apiGroups],
    resources: [...r.resources],
    verbs: [...r.verbs],
  };
  if (r.resourceNames.length > 0) rule.resourceNames = r.resourceNames;
  if (r.nonResourceURLs.length > 0) rule.nonResourceURLs = r.nonResourceURLs;
  return rule;
};

/**
 * The ClusterRole to apply: the stored rules kept, each missing verb added to the stored rule for exactly
 * that group and resource when there is one, else in a rule of its own.
 */
export function correctedClusterRole(gap: ControllerGap): string {
  const name = gap.requirement.clusterRole;
  const rules = (gap.rbac.roles.find((r) => r.name === name)?.rules ?? []).map(toYamlRule);
  for (const need of gap.missing) {
    const same = rules.find(
      (r) =>
        r.apiGroups?.length === 1 &&
        r.apiGroups[0] === need.apiGroup &&
        r.resources?.length === 1 &&
        r.resources[0] === need.resource &&
        !r.resourceNames,
    );
    if (same) same.verbs = [...(same.verbs ?? []), ...need.verbs];
    else rules.push({ apiGroups: [need.apiGroup], resources: [need.resource], verbs: [...need.verbs] });
  }
  // yaml loads here, on the first fix printed: at import it cost every start ~45 ms.
  const { stringify } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  const documents = [
    stringify({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name },
      rules,
    }),
  ];
  if (!gap.rbac.expectedRoleBound) {
    const [namespace, account] = (
      gap.rbac.serviceAccount ??
      `${gap.requirement.serviceAccount.namespaces[0]}/${gap.requirement.serviceAccount.name}`
    ).split('/');
    documents.push(
      stringify({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
        subjects: [{ kind: 'ServiceAccount', name: account, namespace }],
      }),
    );
  }
  return documents.join('---\n');
}

const groupLabel = (group: string) => (group === '' ? 'core' : group);

/** 5. A well-known controller lacks permissions it needs, so it fails quietly (e.g. IPAM GC). */
export const rbacGapsCheck: Check = {
  id: 'rbac-gap',
  run(analysis: Analysis): Finding[] {
    const d = distributionOf(analysis);
    return controllerGaps(analysis).map((gap) => {
      const { requirement, rbac } = gap;
      const namespace =
        (rbac.serviceAccount ?? '').split('/')[0] || requirement.serviceAccount.namespaces[0]!;
      const count = gap.missing.reduce((sum, n) => sum + n.verbs.length, 0);
      return {
        id: 'rbac-gap',
        severity: 'critical',
        title: `${requirement.controller} is missing ${count} permission${count === 1 ? '' : 's'} it needs (${gap.missing
          .map((n) => `${n.verbs.join('/')} ${n.resource}`)
          .join(', ')})`,
        evidence: [
          ...rbac.installedBecause,
          rbac.bindings.length > 0
            ? `bound ClusterRoles: ${rbac.bindings.map((b) => `${b.clusterRole} (via ${b.key})`).join(', ')}`
            : `no ClusterRoleBinding grants anything to ServiceAccount ${rbac.serviceAccount ?? requirement.serviceAccount.name}`,
          ...rbac.roles.map(
            (r) => `ClusterRole ${r.name} (${r.key}, revision ${r.revision}) has ${r.rules.length} rules`,
          ),
          ...rbac.missingRoles.map((name) => `a binding names ClusterRole ${name}, which does not exist`),
          ...gap.missing.map(
            (n) => `missing: ${n.verbs.join(', ')} on ${n.resource} (API group ${groupLabel(n.apiGroup)})`,
          ),
          `required permissions from: ${requirement.source}`,
          `verify: ${d.kubectl} auth can-i list pods --as=system:serviceaccount:${namespace}:${requirement.serviceAccount.name} -A`,
        ],
        remediation: [
          `# Keep the current role:`,
          `${d.kubectl} get clusterrole ${requirement.clusterRole} -o yaml > ${requirement.clusterRole}.clusterrole.bak.yaml`,
          '# Apply the corrected ClusterRole (stored rules kept, missing verbs added):',
          `${d.kubectl} apply -f - <<'EOF'`,
          correctedClusterRole(gap).trimEnd(),
          'EOF',
          '# Restart the controller so it lists and watches with the new permissions:',
          `${d.kubectl} -n ${namespace} rollout restart ${requirement.workload}`,
        ].join('\n'),
        data: {
          controller: requirement.controller,
          serviceAccount: rbac.serviceAccount,
          missing: gap.missing.map((n) => `${n.apiGroup}/${n.resource}:${n.verbs.join(',')}`),
          missingVerbs: count,
        },
      };
    });
  },
};
