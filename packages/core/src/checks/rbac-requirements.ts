import type { RbacNeed } from '../k8s/rbac.js';

/** The permissions a well-known controller needs through its ServiceAccount's ClusterRoleBindings. */
export interface ControllerRequirement {
  controller: string;
  /** The ServiceAccount it runs as; installs differ in namespace, so any listed one counts. */
  serviceAccount: { name: string; namespaces: readonly string[] };
  /** The ClusterRole its manifests create and bind (the one the remediation corrects). */
  clusterRole: string;
  /** The workload to restart once the role is fixed, as `kubectl rollout restart` takes it. */
  workload: string;
  /** Where the list below was taken from. */
  source: string;
  needs: readonly RbacNeed[];
}

const CALICO = 'crd.projectcalico.org';
const IPAM_VERBS = ['get', 'list', 'create', 'update', 'delete', 'watch'] as const;

/**
 * The data table the RBAC check compares stored ClusterRoles against. Only verbs a controller cannot
 * work without are listed; a missing one is reported verb by verb.
 */
export const RBAC_REQUIREMENTS: readonly ControllerRequirement[] = [
  {
    controller: 'calico-kube-controllers',
    serviceAccount: { name: 'calico-kube-controllers', namespaces: ['kube-system', 'calico-system'] },
    clusterRole: 'calico-kube-controllers',
    workload: 'deployment/calico-kube-controllers',
    // The ClusterRole in Calico v3.29.3's manifest as microk8s ships it
    // (canonical/microk8s:upgrade-scripts/000-switch-to-calico/resources/calico.yaml@d099c907,
    // "Source: calico/templates/calico-kube-controllers-rbac.yaml"). Without list/watch on pods the
    // IPAM garbage collector cannot see which pods exist, so leaked addresses and handles pile up.
    source: 'Calico v3.29 calico-kube-controllers-rbac.yaml (as shipped by microk8s)',
    needs: [
      { apiGroup: '', resource: 'nodes', verbs: ['watch', 'list', 'get'] },
      { apiGroup: '', resource: 'pods', verbs: ['get', 'list', 'watch'] },
      { apiGroup: CALICO, resource: 'ipreservations', verbs: ['list'] },
      { apiGroup: CALICO, resource: 'blockaffinities', verbs: IPAM_VERBS },
      { apiGroup: CALICO, resource: 'ipamblocks', verbs: IPAM_VERBS },
      { apiGroup: CALICO, resource: 'ipamhandles', verbs: IPAM_VERBS },
      { apiGroup: CALICO, resource: 'ippools', verbs: ['list', 'watch'] },
      { apiGroup: CALICO, resource: 'hostendpoints', verbs: ['get', 'list', 'create', 'update', 'delete'] },
      {
        apiGroup: CALICO,
        resource: 'clusterinformations',
        verbs: ['get', 'list', 'create', 'update', 'watch'],
      },
      {
        apiGroup: CALICO,
        resource: 'kubecontrollersconfigurations',
        verbs: ['get', 'list', 'create', 'update', 'watch'],
      },
    ],
  },
];
