import { type CalicoRelease, NODE, rule } from '../calico-release.js';

/** calico-kube-controllers' ClusterRole in Calico v3.20.0–v3.20.6. */
export const CALICO_V3_20: CalicoRelease = {
  line: 'v3.20',
  releases: 'v3.20.0–v3.20.6',
  manifestControllers: NODE,
  source: 'projectcalico/calico:_includes/charts/calico/templates/calico-kube-controllers-rbac.yaml@v3.20.6',
  clusterRole: [
    rule([''], ['nodes'], ['watch', 'list', 'get']),
    rule([''], ['pods'], ['get', 'list', 'watch']),
    rule(['crd.projectcalico.org'], ['ippools'], ['list']),
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
