import { type CalicoRelease, NODE, rule } from '../calico-release.js';

/** calico-kube-controllers' ClusterRole in Calico v3.28.0–v3.28.5. */
export const CALICO_V3_28: CalicoRelease = {
  line: 'v3.28',
  releases: 'v3.28.0–v3.28.5',
  manifestControllers: NODE,
  source: 'projectcalico/calico:charts/calico/templates/calico-kube-controllers-rbac.yaml@v3.28.5',
  clusterRole: [
    rule([''], ['nodes'], ['watch', 'list', 'get']),
    rule([''], ['pods'], ['get', 'list', 'watch']),
    rule(['crd.projectcalico.org'], ['ipreservations'], ['list']),
    rule(
      ['crd.projectcalico.org'],
      ['blockaffinities', 'ipamblocks', 'ipamhandles'],
      ['get', 'list', 'create', 'update', 'delete', 'watch'],
    ),
    rule(['crd.projectcalico.org'], ['ippools'], ['list', 'watch']),
    rule(['crd.projectcalico.org'], ['hostendpoints'], ['get', 'list', 'create', 'update', 'delete']),
    rule(['crd.projectcalico.org'], ['clusterinformations'], ['get', 'list', 'create', 'update', 'watch']),
    rule(
      ['crd.projectcalico.org'],
      ['kubecontrollersconfigurations'],
      ['get', 'list', 'create', 'update', 'watch'],
    ),
  ],
  notInEveryPatch: ['crd.projectcalico.org/kubecontrollersconfigurations:list'],
};
