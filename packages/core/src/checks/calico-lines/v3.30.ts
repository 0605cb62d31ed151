import { type CalicoRelease, NODE_LB, rule } from '../calico-release.js';

/** calico-kube-controllers' ClusterRole in Calico v3.30.0–v3.30.7. */
export const CALICO_V3_30: CalicoRelease = {
  line: 'v3.30',
  releases: 'v3.30.0–v3.30.7',
  manifestControllers: NODE_LB,
  source: 'projectcalico/calico:charts/calico/templates/calico-kube-controllers-rbac.yaml@v3.30.7',
  clusterRole: [
    rule([''], ['nodes'], ['watch', 'list', 'get']),
    rule([''], ['pods'], ['get', 'list', 'watch']),
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
