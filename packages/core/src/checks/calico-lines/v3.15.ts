import { type CalicoRelease, NODE, rule } from '../calico-release.js';

/** calico-kube-controllers' ClusterRole in Calico v3.15.0–v3.15.5. */
export const CALICO_V3_15: CalicoRelease = {
  line: 'v3.15',
  releases: 'v3.15.0–v3.15.5',
  manifestControllers: NODE,
  source: 'projectcalico/calico:_includes/charts/calico/templates/calico-kube-controllers-rbac.yaml@v3.15.5',
  clusterRole: [
    rule([''], ['nodes'], ['watch', 'list', 'get']),
    rule([''], ['pods'], ['get']),
    rule(['crd.projectcalico.org'], ['ippools'], ['list']),
    rule(
      ['crd.projectcalico.org'],
      ['blockaffinities', 'ipamblocks', 'ipamhandles'],
      ['get', 'list', 'create', 'update', 'delete'],
    ),
    rule(['crd.projectcalico.org'], ['hostendpoints'], ['get', 'list', 'create', 'update', 'delete']),
    rule(['crd.projectcalico.org'], ['clusterinformations'], ['get', 'create', 'update']),
    rule(['crd.projectcalico.org'], ['kubecontrollersconfigurations'], ['get', 'create', 'update', 'watch']),
  ],
};
