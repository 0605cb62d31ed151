import type { RbacSubjectQuery } from './rbac.js';

/**
 * The well-known controllers whose ServiceAccount, ClusterRoleBindings, ClusterRoles and Deployment the
 * scan decodes. The analysis owns this list; the checks read what the scan found for each.
 */
export const CONTROLLER_QUERIES: readonly RbacSubjectQuery[] = [
  {
    controller: 'calico-kube-controllers',
    // Calico's manifests install into kube-system, the tigera operator into calico-system.
    serviceAccount: { name: 'calico-kube-controllers', namespaces: ['kube-system', 'calico-system'] },
    clusterRole: 'calico-kube-controllers',
    deployment: { name: 'calico-kube-controllers', container: 'calico-kube-controllers' },
    // Which of its controllers run (projectcalico/calico kube-controllers/pkg/config/config.go).
    env: ['ENABLED_CONTROLLERS'],
  },
];
