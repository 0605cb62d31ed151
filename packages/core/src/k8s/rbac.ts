import { decodeKind } from './decode-kind.js';
import {
  type LabelSelector,
  type ObjectMeta,
  type RawLabelSelector,
  type RawObjectMeta,
  toLabelSelector,
  toObjectMeta,
} from './object-meta.js';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** One RBAC rule: these verbs on these resources (or non-resource URLs). `*` means all. */
export interface PolicyRule {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  resourceNames: string[];
  nonResourceURLs: string[];
}

/** A ClusterRole or Role. */
export interface RbacRole {
  apiVersion: string;
  kind: 'ClusterRole' | 'Role';
  metadata: ObjectMeta;
  rules: PolicyRule[];
  /** ClusterRole only: the role's rules are the union of the roles these selectors match. */
  aggregationRule?: { clusterRoleSelectors: LabelSelector[] };
}

/** Who a binding grants to: a User, Group or ServiceAccount. */
export interface RbacSubject {
  kind: string;
  apiGroup?: string;
  name: string;
  namespace?: string;
}

/** The role a binding grants. */
export interface RoleRef {
  apiGroup: string;
  kind: string;
  name: string;
}

/** A ClusterRoleBinding or RoleBinding. */
export interface RbacBinding {
  apiVersion: string;
  kind: 'ClusterRoleBinding' | 'RoleBinding';
  metadata: ObjectMeta;
  subjects: RbacSubject[];
  roleRef: RoleRef;
}

/** What a check needs granted: verbs on one resource of one API group (`` for core). */
export interface RbacNeed {
  apiGroup: string;
  resource: string;
  verbs: readonly string[];
}

interface RawRole {
  metadata?: RawObjectMeta;
  rules?: Partial<PolicyRule>[];
  aggregationRule?: { clusterRoleSelectors?: RawLabelSelector[] };
}

interface RawBinding {
  metadata?: RawObjectMeta;
  subjects?: { kind?: string; apiGroup?: string; name?: string; namespace?: string }[];
  roleRef?: { apiGroup?: string; kind?: string; name?: string };
}

/** Decode a stored ClusterRole or Role value; throws ValueDecodeError. */
export function decodeRbacRole(value: Uint8Array): RbacRole {
  const decoded = decodeKind<RawRole>(value, RBAC_GROUP, ['ClusterRole', 'Role'], 'RbacRole');
  const raw = decoded.object;
  const role: RbacRole = {
    apiVersion: decoded.apiVersion,
    kind: decoded.kind as RbacRole['kind'],
    metadata: toObjectMeta(raw.metadata),
    rules: (raw.rules ?? []).map((r) => ({
      verbs: [...(r.verbs ?? [])],
      apiGroups: [...(r.apiGroups ?? [])],
      resources: [...(r.resources ?? [])],
      resourceNames: [...(r.resourceNames ?? [])],
      nonResourceURLs: [...(r.nonResourceURLs ?? [])],
    })),
  };
  if (raw.aggregationRule !== undefined) {
    const selectors = raw.aggregationRule.clusterRoleSelectors ?? [];
    role.aggregationRule = {
      clusterRoleSelectors: selectors.map((s) => toLabelSelector(s)).filter((s) => s !== undefined),
    };
  }
  return role;
}

/** Decode a stored ClusterRoleBinding or RoleBinding value; throws ValueDecodeError. */
export function decodeRbacBinding(value: Uint8Array): RbacBinding {
  const decoded = decodeKind<RawBinding>(
    value,
    RBAC_GROUP,
    ['ClusterRoleBinding', 'RoleBinding'],
    'RbacBinding',
  );
  const raw = decoded.object;
  return {
    apiVersion: decoded.apiVersion,
    kind: decoded.kind as RbacBinding['kind'],
    metadata: toObjectMeta(raw.metadata),
    subjects: (raw.subjects ?? []).map((s) => {
      const subject: RbacSubject = { kind: s.kind ?? '', name: s.name ?? '' };
      if (s.apiGroup) subject.apiGroup = s.apiGroup;
      if (s.namespace) subject.namespace = s.namespace;
      return subject;
    }),
    roleRef: {
      apiGroup: raw.roleRef?.apiGroup ?? '',
      kind: raw.roleRef?.kind ?? '',
      name: raw.roleRef?.name ?? '',
    },
  };
}

const matches = (granted: readonly string[], wanted: string): boolean =>
  granted.includes('*') || granted.includes(wanted);

/**
 * Verbs in `need` that no rule grants on the whole resource (rules limited by resourceNames do not
 * count). Empty means every verb is granted. Mirrors RBAC's matching: `*` matches any group/resource/verb.
 */
export function missingVerbs(rules: readonly PolicyRule[], need: RbacNeed): string[] {
  const applicable = rules.filter(
    (r) =>
      r.resourceNames.length === 0 &&
      matches(r.apiGroups, need.apiGroup) &&
      matches(r.resources, need.resource),
  );
  return need.verbs.filter((verb) => !applicable.some((r) => matches(r.verbs, verb)));
}
