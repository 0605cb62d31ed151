import { decodeDeployment } from '../k8s/deployment.js';
import { decodeRbacBinding, decodeRbacRole, type PolicyRule, type RbacBinding } from '../k8s/rbac.js';
import type { SqliteDatabase } from '../sqlite/open.js';
import { createDecodeCounter, type DecodeStats } from './decode-stats.js';
import { createKeyLookup, createLatestReader, iterateLatest } from './latest.js';

/** Which ServiceAccount to look for, the ClusterRole its manifests normally create and its Deployment. */
export interface RbacSubjectQuery {
  controller: string;
  serviceAccount: { name: string; namespaces: readonly string[] };
  clusterRole: string;
  /** The Deployment that runs it, looked for in the ServiceAccount's namespaces, and its container. */
  deployment: { name: string; container: string };
  /** Environment variables of that container to keep (literal values only). */
  env: readonly string[];
}

/** The controller's Deployment as stored: the image that runs and the variables asked for. */
export interface ControllerDeployment {
  key: string;
  revision: number;
  namespace: string;
  /** The image of the controller's container (or of the only container); null when it has none. */
  image: string | null;
  /** The variables of `RbacSubjectQuery.env` the container sets to a literal value. */
  env: Record<string, string>;
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
  /** What of the controller the snapshot holds (ServiceAccount, Deployment, binding, ClusterRole), for evidence. */
  installedBecause: string[];
  /** Its ServiceAccount or its Deployment exists: it is deployed. A leftover ClusterRole or binding alone is not. */
  deployed: boolean;
  /** Its Deployment, when the snapshot has one. */
  deployment: ControllerDeployment | null;
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
  const deploymentCounter = createDecodeCounter('deployments');
  const exists = createKeyLookup(db);
  const results: ControllerRbac[] = queries.map((q) => ({
    controller: q.controller,
    serviceAccount: null,
    installedBecause: [],
    deployed: false,
    deployment: null,
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

  // Only the container's image and the asked-for variables leave this function.
  const readDeployment = (q: RbacSubjectQuery): ControllerDeployment | null => {
    for (const namespace of q.serviceAccount.namespaces) {
      const found = latest(`/registry/deployments/${namespace}/${q.deployment.name}`);
      if (!found) continue;
      const deployment = deploymentCounter.decode(found.key, found.value, decodeDeployment);
      const { containers = [] } = deployment ?? {};
      const container =
        containers.find((c) => c.name === q.deployment.container) ??
        (containers.length === 1 ? containers[0] : undefined);
      const env: Record<string, string> = {};
      for (const name of q.env) {
        const value = container?.env[name];
        if (value !== undefined) env[name] = value;
      }
      return { key: found.key, revision: found.revision, namespace, image: container?.image || null, env };
    }
    return null;
  };

  queries.forEach((q, i) => {
    const result = results[i]!;
    for (const namespace of q.serviceAccount.namespaces) {
      const key = `/registry/serviceaccounts/${namespace}/${q.serviceAccount.name}`;
      if (exists(key)) {
        result.serviceAccount ??= `${namespace}/${q.serviceAccount.name}`;
        result.installedBecause.push(`ServiceAccount ${namespace}/${q.serviceAccount.name} exists (${key})`);
        result.deployed = true;
      }
    }
    result.deployment = readDeployment(q);
    if (result.deployment) {
      const { namespace, key, image } = result.deployment;
      result.installedBecause.push(
        `Deployment ${namespace}/${q.deployment.name} exists (${key}${image ? `, image ${image}` : ''})`,
      );
      result.deployed = true;
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
  return {
    controllers: results,
    stats: [bindingCounter.stats, roleCounter.stats, deploymentCounter.stats],
  };
}
