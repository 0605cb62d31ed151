import { type CalicoRelease, NODE_LB, rule } from '../calico-release.js';

/** calico-kube-controllers' ClusterRole in Calico v3.32.0–v3.32.1. */
export const CALICO_V3_32: CalicoRelease = {
  line: 'v3.32',
  releases: 'v3.32.0–v3.32.1',
  manifestControllers: NODE_LB,
  source: 'projectcalico/calico:charts/calico/templates/calico-kube-controllers-rbac.yaml@v3.32.1',
  clusterRole: [
    rule([''], ['nodes'], ['watch', 'list', 'get']),
    rule([''], ['pods'], ['get', 'list', 'watch']),
    rule([''], ['namespaces'], ['get', 'list', 'watch']),
    rule([''], ['services', 'services/status'], ['get', 'list', 'update', 'watch']),
    rule(['projectcalico.org', 'crd.projectcalico.org'], ['ipreservations'], ['list']),
    rule(
      ['projectcalico.org', 'crd.projectcalico.org'],
      ['blockaffinities', 'ipamblocks', 'ipamhandles', 'ipamconfigurations', 'ipamconfigs', 'tiers'],
      ['get', 'list', 'create', 'update', 'delete', 'watch'],
    ),
    rule(['projectcalico.org', 'crd.projectcalico.org'], ['ippools'], ['list', 'watch']),
    rule(
      ['projectcalico.org', 'crd.projectcalico.org'],
      ['hostendpoints'],
      ['get', 'list', 'create', 'update', 'delete', 'watch'],
    ),
    rule(
      ['projectcalico.org', 'crd.projectcalico.org'],
      ['clusterinformations'],
      ['get', 'list', 'create', 'update', 'watch'],
    ),
    rule(
      ['projectcalico.org', 'crd.projectcalico.org'],
      ['kubecontrollersconfigurations'],
      ['get', 'list', 'create', 'update', 'watch'],
    ),
    rule(
      ['projectcalico.org', 'crd.projectcalico.org'],
      ['kubecontrollersconfigurations/status'],
      ['get', 'update'],
    ),
    rule(
      ['projectcalico.org', 'crd.projectcalico.org'],
      ['networkpolicies', 'stagednetworkpolicies', 'globalnetworkpolicies', 'stagedglobalnetworkpolicies'],
      ['watch', 'list', 'get', 'create', 'update', 'delete'],
    ),
    rule(['apps'], ['daemonsets', 'deployments'], ['get', 'list', 'watch']),
    rule(
      ['migration.projectcalico.org'],
      ['datastoremigrations', 'datastoremigrations/status'],
      ['get', 'list', 'watch', 'create', 'update', 'patch'],
    ),
    rule(['apiextensions.k8s.io'], ['customresourcedefinitions'], ['get', 'list', 'watch', 'delete']),
    rule(['apiregistration.k8s.io'], ['apiservices'], ['get', 'list', 'watch', 'create', 'delete']),
    rule(['projectcalico.org'], ['*'], ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete']),
    rule(['crd.projectcalico.org'], ['*'], ['get', 'list', 'watch']),
    rule(['kubevirt.io'], ['virtualmachines', 'virtualmachineinstances'], ['get', 'list', 'watch']),
  ],
  notInEveryPatch: [
    'kubevirt.io/virtualmachines:get',
    'kubevirt.io/virtualmachines:list',
    'kubevirt.io/virtualmachines:watch',
    'kubevirt.io/virtualmachineinstances:get',
    'kubevirt.io/virtualmachineinstances:list',
    'kubevirt.io/virtualmachineinstances:watch',
  ],
};
