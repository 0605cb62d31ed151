import { type CalicoRelease, NODE, rule } from '../calico-release.js';

/** calico-kube-controllers' ClusterRole in Calico v3.22.0–v3.22.5. */
export const CALICO_V3_22: CalicoRelease = {
  line: 'v3.22',
  releases: 'v3.22.0–v3.22.5',
  manifestControllers: NODE,
  source:
    'projectcalico/calico:calico/_includes/charts/calico/templates/calico-kube-controllers-rbac.yaml@v3.22.5',
  clusterRole: [
    rule([''], ['nodes'], ['watch', 'list', 'get']),
    rule([''], ['pods'], ['get', 'list', 'watch']),
    rule(['crd.projectcalico.org'], ['ippools', 'ipreservations'], ['list']),
    rule(
      ['crd.projectcalico.org'],
      ['blockaffinities', 'ipamblocks', 'ipamhandles'],
      ['get', 'list', 'create', 'update', 'delete', 'watch'],
    ),
    rule(['crd.projectcalico.org'], ['hostendpoints'], ['get', 'list', 'create', 'update', 'delete']),
    rule(['crd.projectcalico.org'], ['clusterinformations'], ['get', 'create', 'update']),
    rule(['crd.projectcalico.org'], ['kubecontrollersconfigurations'], ['get', 'create', 'update', 'watch']),
  ],
};
