import { type CalicoRelease, NODE_LB, rule } from '../calico-release.js';

/** calico-kube-controllers' ClusterRole in Calico v3.31.0–v3.31.7. */
export const CALICO_V3_31: CalicoRelease = {
  line: 'v3.31',
  releases: 'v3.31.0–v3.31.7',
  manifestControllers: NODE_LB,
  source: 'projectcalico/calico:charts/calico/templates/calico-kube-controllers-rbac.yaml@v3.31.7',
  clusterRole: [
    rule([''], ['nodes'], ['watch', 'list', 'get']),
    rule([''], ['pods'], ['get', 'list', 'watch']),
    rule([''], ['namespaces'], ['get', 'list', 'watch']),
    rule([''], ['services', 'services/status'], ['get', 'list', 'update', 'watch']),
    rule(['crd.projectcalico.org'], ['ipreservations'], ['list']),
    rule(
      ['crd.projectcalico.org'],
      ['blockaffinities', 'ipamblocks', 'ipamhandles', 'ipamconfigs', 'tiers'],
      ['get', 'list', 'create', 'update', 'delete', 'watch'],
    ),
    rule(['crd.projectcalico.org'], ['ippools'], ['list', 'watch']),
    rule(
      ['crd.projectcalico.org'],
      ['hostendpoints'],
      ['get', 'list', 'create', 'update', 'delete', 'watch'],
    ),
    rule(['crd.projectcalico.org'], ['clusterinformations'], ['get', 'list', 'create', 'update', 'watch']),
    rule(
      ['crd.projectcalico.org'],
      ['kubecontrollersconfigurations'],
      ['get', 'list', 'create', 'update', 'watch'],
    ),
  ],
};
