import { decodeRbacBinding, decodeRbacRole, type PolicyRule, type RbacBinding } from '../k8s/rbac.js';
import type { SqliteDatabase } from '../sqlite/open.js';
import { createDecodeCounter, type DecodeStats } from './decode-stats.js';
import { createKeyLookup, createLatestReader, iterateLatest } from './latest.js';

/** Which ServiceAccount to look for and the ClusterRole its manifests normally create. */
export interface RbacSubjectQuery {
  controller: string;
  serviceAccount: { name: string; namespaces: readonly string[] };
  clusterRole: string;
}

/** A ClusterRole as stored, with its rules. */
export interface StoredClusterRole {
  name: string;
  key: string;
  revision: number;
  rules: PolicyRule[];
}

/** What the snapshot says a controller's ServiceAccount is granted cluster-wide. */
export interface ControllerRbac {
  controller: string;
  /** The ServiceAccount found (`<namespace>/<name>`), or null when neither it nor a binding exists. */
  serviceAccount: string | null;
  /** Why the controller counts as installed; empty means it is not, and nothing is checked. */
  installedBecause: string[];
  /** ClusterRoleBindings that name the ServiceAccount as a subject. */
  bindings: { name: string; key: string; clusterRole: string }[];
  /** The ClusterRoles those bindings grant (and the expected one when it exists unbound). */
  roles: StoredClusterRole[];
  /** The expected ClusterRole: is it bound to the ServiceAccount? */
  expectedRoleBound: boolean;
  /** ClusterRoles a binding names that do not exist. */
  missingRoles: string[];
  /** ClusterRoles that exist but could not be decoded (encrypted or malformed): not checked. */
  unreadableRoles: string[];
}

const BINDINGS = '/registry/clusterrolebindings/';
const ROLES = '/registry/clusterroles/';

function bindsServiceAccount(
  binding: RbacBinding,
  name: string,
  namespaces: readonly string[],
): string | null {
  for (const subject of binding.subjects) {
    if (subject.kind === 'ServiceAccount' && subject.name === name) {
      const namespace = subject.namespace ?? '';
      if (namespaces.includes(namespace)) return `${namespace}/${name}`;
    }
  }
  return null;
}

/**
 * Decode the ClusterRoleBindings (all: there are few) and the ClusterRoles they grant to the
 * ServiceAccounts of `queries`. RoleBindings are not read: controllers that watch the whole cluster
 * need cluster-wide grants.
 */
export function scanControllerRbac(
  db: SqliteDatabase,
  queries: readonly RbacSubjectQuery[],
): { controllers: ControllerRbac[]; stats: DecodeStats[] } {
  const bindingCounter = createDecodeCounter('clusterrolebindings');
  const roleCounter = createDecodeCounter('clusterroles');
  const exists = createKeyLookup(db);
  const results: ControllerRbac[] = queries.map((q) => ({
    controller: q.controller,
    serviceAccount: null,
    installedBecause: [],
    bindings: [],
    roles: [],
    expectedRoleBound: false,
    missingRoles: [],
    unreadableRoles: [],
  }));

  for (const { key, value } of iterateLatest(db, BINDINGS)) {
    const binding = bindingCounter.decode(key, value, decodeRbacBinding);
    if (binding?.roleRef.kind !== 'ClusterRole') continue;
    queries.forEach((q, i) => {
      const subject = bindsServiceAccount(binding, q.serviceAccount.name, q.serviceAccount.namespaces);
      if (!subject) return;
      const result = results[i]!;
      result.serviceAccount ??= subject;
      result.bindings.push({ name: binding.metadata.name, key, clusterRole: binding.roleRef.name });
    });
  }

  const latest = createLatestReader(db);
  const readRole = (name: string): StoredClusterRole | 'missing' | 'unreadable' => {
    const found = latest(`${ROLES}${name}`);
    if (!found) return 'missing';
    const role = roleCounter.decode(found.key, found.value, decodeRbacRole);
    return role ? { name, key: found.key, revision: found.revision, rules: role.rules } : 'unreadable';
  };

  queries.forEach((q, i) => {
    const result = results[i]!;
    for (const namespace of q.serviceAccount.namespaces) {
      const key = `/registry/serviceaccounts/${namespace}/${q.serviceAccount.name}`;
      if (exists(key)) {
        result.serviceAccount ??= `${namespace}/${q.serviceAccount.name}`;
        result.installedBecause.push(`ServiceAccount ${namespace}/${q.serviceAccount.name} exists (${key})`);
      }
    }
    if (result.bindings.length > 0) {
      result.installedBecause.push(
        `ClusterRoleBinding ${result.bindings.map((b) => b.name).join(', ')} binds ${result.serviceAccount}`,
      );
    }
    const roleNames = [...new Set([...result.bindings.map((b) => b.clusterRole), q.clusterRole])];
    for (const name of roleNames) {
      const role = readRole(name);
      const bound = result.bindings.some((b) => b.clusterRole === name);
      if (typeof role === 'object') result.roles.push(role);
      else if (role === 'unreadable') result.unreadableRoles.push(name);
      else if (bound) result.missingRoles.push(name);
    }
    if (
      result.roles.some((r) => r.name === q.clusterRole) ||
      result.unreadableRoles.includes(q.clusterRole)
    ) {
      result.installedBecause.push(`ClusterRole ${q.clusterRole} exists (${ROLES}${q.clusterRole})`);
    }
    result.expectedRoleBound = result.bindings.some((b) => b.clusterRole === q.clusterRole);
  });
  return { controllers: results, stats: [bindingCounter.stats, roleCounter.stats] };
}
